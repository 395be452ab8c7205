/**
 * Tells this gateway instance that the registry changed (certificates, profiles, operators, trusted CAs), so that
 * it clears its authentication cache or rebuilds its TLS context without a restart. Two paths: LISTEN on the
 * esav_registry channel (immediate), and a poll of registry_change every pollMs (a lost notification or a dropped
 * listener connection delays a change by one interval at most). Several instances on one database each run one.
 */
import { EventEmitter } from 'node:events';
import { run, type Listener, type Pool } from './database.js';
import { lastRegistryChange, registryChangesAfter } from './queries/registry.js';
import { REGISTRY_CHANNEL, type ChangeKind } from './registry/audit.js';

export interface RegistryWatcher {
  /** Looks for changes now and applies them; resolves once the handlers have run. */
  refresh(): Promise<void>;
  /** 'applied' (kinds: ChangeKind[]) after handlers ran. */
  readonly events: EventEmitter;
  close(): Promise<void>;
}

export interface WatcherOptions {
  readonly pool: Pool;
  readonly listenClient: () => Listener;
  readonly pollMs: number;
  readonly onChange: (kinds: ReadonlySet<ChangeKind>) => Promise<void>;
  readonly onError: (e: Error) => void;
}

export async function watchRegistry(o: WatcherOptions): Promise<RegistryWatcher> {
  const events = new EventEmitter();
  let lastSeen = Number((await run<{ id: string | null }>(o.pool, lastRegistryChange()))[0]!.id ?? 0);
  let closed = false;
  let running: Promise<void> = Promise.resolve();
  let listener: Listener | null = null;

  async function check(force: ReadonlySet<ChangeKind> | null): Promise<void> {
    const rows = await run<{ id: string; kind: ChangeKind }>(o.pool, registryChangesAfter(lastSeen));
    const kinds = new Set<ChangeKind>(force ?? []);
    for (const r of rows) { kinds.add(r.kind); lastSeen = Math.max(lastSeen, Number(r.id)); }
    if (kinds.size > 0) {
      await o.onChange(kinds);
      events.emit('applied', [...kinds]);
    }
  }

  /** Checks run one at a time, in order. */
  function schedule(force: ReadonlySet<ChangeKind> | null = null): Promise<void> {
    running = running.then(() => (closed ? undefined : check(force))).catch((e: Error) => o.onError(e));
    return running;
  }

  async function listen(): Promise<void> {
    if (closed) return;
    const client = o.listenClient();
    client.onNotification(() => void schedule());
    let gone = false;
    const onError = (e: Error): void => {
      if (gone) return;
      gone = true;
      o.onError(e);
      listener = null;
      void client.end().catch(() => undefined);
      // Reconnect, then re-read everything: changes may have happened while deaf.
      if (!closed) setTimeout(() => void listen().then(() => schedule(new Set(['certificates', 'trust']))), 1000).unref();
    };
    client.onError(onError);
    try {
      await client.listen(REGISTRY_CHANNEL);
      listener = client;
    } catch (e) {
      onError(e as Error);
    }
  }

  await listen();
  const timer = setInterval(() => void schedule(), o.pollMs);
  timer.unref();

  return {
    events,
    refresh: () => schedule(),
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
      await listener?.end().catch(() => undefined);
    }
  };
}
