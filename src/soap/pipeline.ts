/**
 * One request, phase by phase (ARCHITECTURE.md §2), each phase a module of src/soap/phases/ named in its order:
 * receive → authenticate → parse → envelope → dispatch → authorize → validate → admit → invoke → respond.
 * The first two run on the request's head, before the transport reads the body (`begin`): a caller is known before
 * its body costs anything. A GET of the contract is answered by publish.ts instead. The transport gives bytes and
 * facts; this module never touches a socket or SQL. The clock is read once per request (CallContext.now).
 */
import type { ContractSet } from '../contracts/service-descriptor.js';
import type { Clock } from '../domain/clock.js';
import type { Authenticator } from '../domain/identity.js';
import type { OffLoopReader } from '../xml/off-loop-reader.js';
import type { XmlLimits } from '../xml/prescan.js';
import { bindAdapters } from './adapter-binding.js';
import { newCallContext, type CallContext, type CallTarget } from './call-context.js';
import { writeFault } from './fault-writer.js';
import { isPublication, receive, route, type MaintenanceGate } from './phases/01-receive.js';
import { authenticate } from './phases/02-authenticate.js';
import { parse } from './phases/03-parse.js';
import { readEnvelope } from './phases/04-envelope.js';
import { dispatch } from './phases/05-dispatch.js';
import { authorize } from './phases/06-authorize.js';
import { schemaFor, validate } from './phases/07-validate.js';
import { admit, type GoLiveGate, type LoadAdmission } from './phases/08-admit.js';
import { invoke, type CallCounter } from './phases/09-invoke.js';
import { respond } from './phases/10-respond.js';
import { publish } from './publish.js';
import type { Turns } from './turns.js';
import type { Caller } from '../domain/identity.js';
import type { MediaType } from './soap-version.js';
import type { BoundVersion } from './adapter-binding.js';
import type { ServiceAdapter, SoapRequest, SoapRequestHead, SoapResponse } from './types.js';

export type { MaintenanceGate } from './phases/01-receive.js';
export type { GoLiveGate, LoadAdmission } from './phases/08-admit.js';
export type { CallCounter } from './phases/09-invoke.js';

export interface PipelineDeps {
  readonly contracts: ContractSet;
  readonly adapters: readonly ServiceAdapter[];
  readonly authenticator: Authenticator;
  readonly clock: Clock;
  readonly xmlLimits: XmlLimits;
  readonly maintenance?: MaintenanceGate;
  readonly goLive?: GoLiveGate;
  readonly load?: LoadAdmission;
  readonly counter?: CallCounter;
  /** Fair turns between operators at the CPU-bound phases (turns.ts); every call runs at once when absent. */
  readonly turns?: Turns;
  /** Large bodies read off the event loop (src/xml/off-loop-reader.ts); every body is read inline when absent. */
  readonly offLoop?: OffLoopReader;
}

/** A call whose head was read: either already answered (refused, or a contract read), or waiting for its body. */
export interface PendingCall {
  /** The answer decided on the head alone: the transport sends it without reading the body. */
  readonly answer: SoapResponse | null;
  /** The authenticated operator's id, when the call waits for its body (the transport's fair shares count by it). */
  readonly operatorId?: string;
  /** The rest of the call, once the body is read (only when `answer` is null). */
  complete(body: Buffer | undefined): Promise<SoapResponse>;
  /** The fault for a refusal the transport decides before reading the body (fair shares), in the call's shape. */
  refuse(error: unknown): SoapResponse;
}

export interface SoapPipeline {
  /**
   * The phases that need no body (receive, authenticate), run before the transport reads it. Under pressure the
   * caller is authenticated from the cache only (02-authenticate.ts).
   */
  begin(head: SoapRequestHead, underPressure?: boolean): Promise<PendingCall>;
  /** begin then complete, for callers that already hold the body. */
  handle(request: SoapRequest): Promise<SoapResponse>;
  /** Every published service version path, for the transport's routes and the documentation. */
  readonly paths: readonly string[];
}

interface Admitted { readonly target: CallTarget; readonly version: BoundVersion; readonly media: MediaType; readonly caller: Caller }

export function createSoapPipeline(deps: PipelineDeps): SoapPipeline {
  const bound = bindAdapters(deps.contracts, deps.adapters);
  const paths = [...deps.contracts.services.values()].flatMap((c) => [...c.versions.values()].map((d) => d.path));
  const servicesList = paths.join(', ');

  async function call(ctx: CallContext, { target, version, media, caller }: Admitted, body: Buffer | undefined): Promise<SoapResponse> {
    const d = target.descriptor;
    await deps.turns?.take(caller.operator.id);
    const schema = schemaFor(d, media.soap!);
    const offLoop = deps.offLoop;
    const parsed = parse(body, deps.xmlLimits, offLoop && ((b) => offLoop.read(b, schema, caller.operator.id)));
    // Only a large body is awaited (read off the event loop); the usual call goes on in the same turn.
    const request = parsed instanceof Promise ? await parsed : parsed;
    const envelope = readEnvelope(request.tree, media.soap!, ctx.request.contentType!, d.understoodHeaders);
    ctx.requestHeaders = envelope.headerBlocks;
    const { operation, notice } = dispatch(ctx, target, envelope, media);
    authorize(caller, d.service, operation);
    validate(request, d, envelope.soap);
    await admit(ctx, caller, d.service, operation.name, { goLive: deps.goLive, load: deps.load });
    const result = await invoke(ctx, version.handlers.get(operation.name)!, envelope.payload, caller, d.service, operation.name, deps.counter);
    return respond(ctx, envelope.soap, result, notice);
  }

  const answered = (answer: SoapResponse): PendingCall => ({ answer, complete: async () => answer, refuse: () => answer });

  async function begin(head: SoapRequestHead, underPressure = false): Promise<PendingCall> {
    const ctx = newCallContext(head, deps.clock.now());
    try {
      const target = route(ctx, deps.contracts, servicesList);
      if (isPublication(ctx)) return answered(publish(ctx, target));
      const d = target.descriptor;
      // Unbound only for a contract the operators implement, which receive refuses (405).
      const version = bound.get(`${d.service}/v${d.version}`);
      ctx.faultDialect = version?.faults;
      const media = receive(ctx, target, deps.maintenance);
      const caller = await authenticate(ctx, deps.authenticator, underPressure);
      const admitted: Admitted = { target, version: version!, media, caller };
      return {
        answer: null, operatorId: caller.operator.id,
        complete: (body) => call(ctx, admitted, body).catch((error: unknown) => fault(ctx, error, deps.contracts)),
        refuse: (error) => fault(ctx, error, deps.contracts)
      };
    } catch (error) {
      return answered(fault(ctx, error, deps.contracts));
    }
  }

  return {
    paths,
    begin,
    async handle(req: SoapRequest): Promise<SoapResponse> {
      const pending = await begin(req);
      return pending.answer ?? pending.complete(req.body);
    }
  };
}

/** Every fault of a call, written by the one fault writer in the called contract's shape once it is known. */
function fault(ctx: CallContext, error: unknown, contracts: ContractSet): SoapResponse {
  const response = writeFault(error, ctx.request.requestId, ctx.soap, {
    ...(ctx.faultDialect ? { dialect: ctx.faultDialect } : {}),
    context: { requestId: ctx.request.requestId, now: ctx.now, requestHeaders: ctx.requestHeaders },
    httpHeaders: ctx.httpHeaders
  });
  // RFC 9110 §15.5.6: a 405 names the methods the resource allows (an operator-implemented contract is only read).
  const operatorContract = contracts.services.get(ctx.log.service ?? '')?.implementedBy === 'operator';
  const allow: Record<string, string> = response.error?.code === 'ESAV_METHOD_NOT_ALLOWED' ? { allow: operatorContract ? 'GET' : 'POST, GET' } : {};
  return { ...ctx.log, ...response, headers: { ...response.headers, ...allow } };
}
