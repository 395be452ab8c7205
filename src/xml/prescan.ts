/**
 * A linear scan of the raw message that runs before any XML parser sees it (ARCHITECTURE.md §2, "parse").
 * It refuses every markup declaration (<!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, <!NOTATION): with no DTD there is
 * no entity to expand, no external subset to fetch and no parameter entity to resolve (OWASP XXE prevention,
 * "disable DTDs completely"). It also bounds element depth and attributes per element, which libxml2 alone does
 * not limit tightly. It does not check well-formedness: the parser that follows does.
 */
import { EsavError } from '../errors/esav-error.js';

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxAttributes: number;
  /**
   * Elements in the whole document: what one request can make the parser and the schema check do (issue 14: 30,000
   * empty elements in 240 kB cost a full parse each). Unbounded when absent (files the gateway itself reads).
   */
  readonly maxElements?: number;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

export function prescanXml(text: string, limits: XmlLimits): void {
  const n = text.length;
  let i = 0;
  let depth = 0;
  let elements = 0;
  const maxElements = limits.maxElements ?? Number.POSITIVE_INFINITY;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt === -1) return;
    const next = text.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', lt)) {
        const end = text.indexOf('-->', lt + 4);
        if (end === -1) return; // unterminated comment: the parser reports it
        i = end + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const end = text.indexOf(']]>', lt + 9);
        if (end === -1) return;
        i = end + 3;
        continue;
      }
      throw new EsavError('ESAV_XML_DOCTYPE');
    }
    if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) return;
      i = end + 2;
      continue;
    }
    if (next === 0x2f /* / */) {
      depth--;
      const end = text.indexOf('>', lt + 2);
      if (end === -1) return;
      i = end + 1;
      continue;
    }
    if (++elements > maxElements) {
      throw new EsavError('ESAV_XML_LIMIT', { params: { limit: "nombre d'éléments du message", max: maxElements, line: lineAt(text, lt) } });
    }
    // A start tag: find its end outside quoted attribute values, counting '=' as attributes.
    let k = lt + 1;
    let attributes = 0;
    let quote = 0;
    for (; k < n; k++) {
      const c = text.charCodeAt(k);
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === 0x22 || c === 0x27) {
        quote = c;
      } else if (c === 0x3d /* = */) {
        attributes++;
      } else if (c === 0x3e /* > */) {
        break;
      }
    }
    if (attributes > limits.maxAttributes) {
      throw new EsavError('ESAV_XML_LIMIT', {
        params: { limit: "nombre d'attributs par élément", max: limits.maxAttributes, line: lineAt(text, lt) }
      });
    }
    if (text.charCodeAt(k - 1) !== 0x2f /* / */) {
      depth++;
      if (depth > limits.maxDepth) {
        throw new EsavError('ESAV_XML_LIMIT', {
          params: { limit: "profondeur d'imbrication des éléments", max: limits.maxDepth, line: lineAt(text, lt) }
        });
      }
    }
    i = k + 1;
  }
}
