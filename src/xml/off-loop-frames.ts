/**
 * The frames the gateway writes to its off-loop worker's pipe (off-loop-reader.ts → off-loop-worker.ts): a body
 * goes over as its own bytes, behind a 13-byte header, with no serialization and no copy on the event loop (the
 * IPC channel's serializer copied each body once more, which the event loop paid for in time and in collections).
 * Header: kind (1 byte), id (4), schema id (4), payload length (4), big-endian. A schema frame's payload is the
 * JSON of the schema's source; a read frame's is the request body. Frames are read in the order they were written,
 * so a schema is always known before the first body that needs it.
 */
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
