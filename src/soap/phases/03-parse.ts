/**
 * The parse phase (ARCHITECTURE.md §2): the hardened reading of the bytes (src/xml/request-reader.ts: every DOCTYPE
 * refused, no entity expansion, no network, depth and attribute limits). The schema is checked later, by validate
 * (for a body read off the event loop, its outcome is computed with the reading and given by validate).
 */
import { EsavError } from '../../errors/esav-error.js';
import type { XmlLimits } from '../../xml/prescan.js';
import { readRequest, type ParsedRequest } from '../../xml/request-reader.js';

/**
 * @param offLoop how a large body is read off the event loop (src/xml/off-loop-reader.ts), when the gateway does;
 *   otherwise the body is read here.
 */
export function parse(body: Buffer | undefined, limits: XmlLimits, offLoop?: (body: Buffer) => ParsedRequest | Promise<ParsedRequest>): ParsedRequest | Promise<ParsedRequest> {
  if (!body || body.length === 0) throw new EsavError('ESAV_XML_MALFORMED', { params: { line: 0, column: 0, reason: 'le message est vide' } });
  return offLoop ? offLoop(body) : readRequest(body, limits);
}
