/**
 * The worker process of off-loop-reader.ts (started by it; bodies on its pipe, answers on its IPC channel: see
 * off-loop-protocol.ts): it reads large request bodies exactly as the event loop would (request-reader.ts: prescan,
 * plain tree, streaming schema check, errors named by their paths) and sends back the tree and the schema check's
 * outcome, or the fault of the reading. Its own V8 heap holds the garbage of those
 * reads, so that their collections never pause the event loop that answers the other operators (issue 14).
 * Each schema is compiled here once, from the source the gateway's copy was compiled from, the first time a body
 * needs it. It ends when the gateway closes its channel (the gateway stopped, even by kill -9).
 */
import { Socket } from 'node:net';
import { isEsavError } from '../errors/esav-error.js';
import type { XmlTreeElement } from './element-tree.js';
import { FRAME_READ, FRAME_SCHEMA, frameReader, type CutElement, type OffLoopAnswer, type OffLoopFailure } from './off-loop-protocol.js';
import type { XmlLimits } from './prescan.js';
import { readRequest } from './request-reader.js';
import { compileSchema, type CompiledSchema } from './xsd-validator.js';

const schemas = new Map<number, CompiledSchema>();

function failure(e: unknown): OffLoopFailure {
  if (isEsavError(e)) return { code: e.code, detail: e.detail, ...(e.logReason === undefined ? {} : { logReason: e.logReason }) };
  return { code: null, message: e instanceof Error ? e.message : String(e) };
}

/**
 * The tree of a refused request, as the phases before validate read it: the root, its Header in full, and the
 * elements of its Body without their content (`children` and `text` null: revive() in off-loop-protocol.ts makes
 * reading them an error). The texts of the root and the Body, each the whole document's text, are left out too. This is what the
 * event loop would otherwise receive a copy of, several times over, for every refused document.
 */
function refusedTree(root: XmlTreeElement): CutElement {
  const shell = (el: XmlTreeElement): CutElement => ({ namespace: el.namespace, name: el.name, attributes: el.attributes, children: null, text: null });
  return {
    namespace: root.namespace, name: root.name, attributes: root.attributes, text: null,
    children: root.children.map((c) => c.name === 'Header' ? c : { namespace: c.namespace, name: c.name, attributes: c.attributes, text: null, children: c.children.map(shell) })
  };
}

function read(id: number, schemaId: number, body: Buffer): OffLoopAnswer {
  let parsed;
  try {
    parsed = readRequest(body, limits);
  } catch (e) {
    return { kind: 'read', id, failure: failure(e) };
  }
  const schema = schemas.get(schemaId);
  if (schema === undefined) return { kind: 'read', id, failure: { code: null, message: `schema ${schemaId} was not sent` } };
  try {
    const fields = parsed.validate(schema);
    return { kind: 'read', id, tree: fields.length === 0 ? parsed.tree : refusedTree(parsed.tree), checked: { fields } };
  } catch (e) {
    return { kind: 'read', id, tree: refusedTree(parsed.tree), checked: { failure: failure(e) } };
  }
}

const send = (a: OffLoopAnswer): void => {
  if (process.connected) process.send!(a);
};
const limits = JSON.parse(process.argv[2] ?? '{}') as XmlLimits;
const pipe = new Socket({ fd: 4, readable: true, writable: false });
pipe.on('data', frameReader((f) => {
  if (f.kind === FRAME_SCHEMA) {
    const { text, baseUrl } = JSON.parse(f.payload.toString('utf8')) as CompiledSchema['source'];
    schemas.set(f.schemaId, compileSchema(text, baseUrl));
  } else if (f.kind === FRAME_READ) {
    send(read(f.id, f.schemaId, f.payload));
  }
}));
pipe.on('end', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
// Stopped by the gateway when it closes: whatever it was reading is already answered (off-loop-reader.ts close()).
process.on('SIGTERM', () => process.exit(0));
send({ kind: 'ready' });
