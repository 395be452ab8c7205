/**
 * The documents of a flood that costs the gateway the most per byte (issue 14: large, many elements, UTF-16): legal
 * XML, under the body limit, sent by a registered operator so that they get past authentication and are read.
 */
import { consultation } from '../../support/soap-client.js';

const ELEMENTS = 30_000;

/** A consultation with `n` more elements before its closing tags (legal XML, invalid for the schema). */
function padded(filler: string, n: number): string {
  const c = consultation('FTTH-21-0000001');
  const at = c.indexOf('</p:ConsultationPrestationRequete>');
  return `${c.slice(0, at)}${filler.repeat(n)}${c.slice(at)}`;
}

export interface CostlyDocument { readonly name: string; readonly body: Buffer; readonly contentType: string }

export function costlyDocuments(): CostlyDocument[] {
  // Unprefixed (<x/>, 4 characters): in UTF-16 the document is 240 kB, under the 256 kB body limit.
  const many = padded('<x/>', ELEMENTS);
  const utf16 = many.replace('encoding="UTF-8"', 'encoding="UTF-16"');
  return [
    // 30,000 empty elements: over the element budget (ESAV_XML_MAX_ELEMENTS), whatever the encoding.
    { name: 'utf-8, 30,000 elements', body: Buffer.from(many, 'utf8'), contentType: 'text/xml; charset=utf-8' },
    { name: 'utf-16, 30,000 elements', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]),
      contentType: 'text/xml; charset=utf-16' },
    // Within the budget and near the body limit: parsed in full, then refused by the schema.
    { name: 'utf-8, 1,500 elements of text', body: Buffer.from(padded(`<x>${'é'.repeat(80)}</x>`, 1500), 'utf8'), contentType: 'text/xml; charset=utf-8' }
  ];
}
