/**
 * What crosses between the gateway and its off-loop worker (off-loop-reader.ts ↔ off-loop-worker.ts).
 *
 * Requests go as frames the gateway writes to the worker's pipe: a body goes over as its own bytes, behind a
 * 13-byte header, with no serialization and no copy on the event loop (the IPC channel's serializer copied each
 * body once more, which the event loop paid for in time and in collections). Header: kind (1 byte), id (4), schema
 * id (4), payload length (4), big-endian. A schema frame's payload is the JSON of the schema's source; a read
 * frame's is the request body. Frames are read in the order they were written, so a schema is always known before
 * the first body that needs it. Answers come back on the IPC channel: the tree (cut for a refused request), the
 * schema check's outcome, or the fault.
 */
import { invariantViolated } from '../errors/coded-error.js';
import { EsavError, type ClientDetail, type FieldError } from '../errors/esav-error.js';
import type { ErrorCode } from '../errors/registry.js';
import type { XmlTreeElement } from './element-tree.js';

/** A fault of the reading (EsavError: code and detail), or any other failure (code null: an internal error). */
export type OffLoopFailure =
  | { readonly code: string; readonly detail: ClientDetail; readonly logReason?: string }
  | { readonly code: null; readonly message: string };

/** An element as a worker sends it: a refused request's tree is cut (off-loop-worker.ts), `children` and `text` null. */
export interface CutElement {
  readonly namespace: string;
  readonly name: string;
  readonly attributes: XmlTreeElement['attributes'];
  readonly children: ReadonlyArray<CutElement | XmlTreeElement> | null;
  readonly text: string | null;
}

export type OffLoopAnswer =
  | { readonly kind: 'ready' }
  | { readonly kind: 'read'; readonly id: number; readonly failure: OffLoopFailure }
  | { readonly kind: 'read'; readonly id: number; readonly tree: XmlTreeElement | CutElement; readonly checked: { readonly fields: FieldError[] } | { readonly failure: OffLoopFailure } };

export const FRAME_SCHEMA = 1;
export const FRAME_READ = 2;
const HEADER = 13;

export function frameHeader(kind: number, id: number, schemaId: number, length: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER);
  h.writeUInt8(kind, 0);
  h.writeUInt32BE(id, 1);
  h.writeUInt32BE(schemaId, 5);
  h.writeUInt32BE(length, 9);
  return h;
}

export interface Frame { readonly kind: number; readonly id: number; readonly schemaId: number; readonly payload: Buffer }

/** A reader of the pipe's chunks, whatever their sizes: each complete frame is given to `onFrame`, in order. */
export function frameReader(onFrame: (frame: Frame) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let size = 0;
  const take = (n: number): Buffer => {
    const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    pending = rest.length > 0 ? [rest] : [];
    size = rest.length;
    return out;
  };
  let header: { kind: number; id: number; schemaId: number; length: number } | null = null;
  return (chunk) => {
    pending.push(chunk);
    size += chunk.length;
    for (;;) {
      if (header === null) {
        if (size < HEADER) return;
        const h = take(HEADER);
        header = { kind: h.readUInt8(0), id: h.readUInt32BE(1), schemaId: h.readUInt32BE(5), length: h.readUInt32BE(9) };
      }
      if (size < header.length) return;
      const { kind, id, schemaId, length } = header;
      header = null;
      onFrame({ kind, id, schemaId, payload: take(length) });
    }
  };
}

export function toError(f: OffLoopFailure): Error {
  if (f.code === null) return invariantViolated(`off-loop reading: ${f.message}`);
  const make = EsavError as unknown as new (code: ErrorCode, detail: ClientDetail, options?: { logReason?: string }) => EsavError;
  return new make(f.code as ErrorCode, f.detail, f.logReason === undefined ? undefined : { logReason: f.logReason });
}

/** A cut tree as an XmlTreeElement whose cut parts cannot be read unnoticed: reading one is a defect. */
export function revive(el: XmlTreeElement | CutElement): XmlTreeElement {
  if (el.children !== null && el.text !== null) return el as XmlTreeElement;
  const cut = (what: string) => (): never => { throw invariantViolated(`the ${what} of <${el.name}> was read in a refused request's cut tree`); };
  const children = el.children?.map(revive);
  return Object.defineProperties({ namespace: el.namespace, name: el.name, attributes: el.attributes } as XmlTreeElement, {
    children: children === undefined ? { get: cut('children') } : { value: children },
    text: el.text === null ? { get: cut('text') } : { value: el.text }
  });
}
