/**
 * The parse phase (ARCHITECTURE.md §2): the hardened reading of the bytes (src/xml/request-reader.ts: every DOCTYPE
 * refused, no entity expansion, no network, depth and attribute limits). The schema is checked later, by validate.
 */
import type { XmlLimits } from '../../xml/prescan.js';
import { readRequest, type ParsedRequest } from '../../xml/request-reader.js';

export function parse(body: Buffer, limits: XmlLimits): ParsedRequest {
  return readRequest(body, limits);
}
