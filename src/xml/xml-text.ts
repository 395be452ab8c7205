/**
 * Character data as XML 1.0 reads it (src/xml/tree-reader.ts): references replaced (§4.1, the five predefined
 * entities and character references) and attribute values normalised (§3.3.3).
 */
const REFERENCE = /&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/y;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/**
 * Text with its references replaced; `notRead` is thrown when a '&' starts no valid reference. `attribute` applies the
 * attribute-value normalisation of XML 1.0 §3.3.3 to literal whitespace (not to character references).
 */
export function decodeReferences(raw: string, attribute: boolean, notRead: Error): string {
  let amp = raw.indexOf('&');
  if (amp === -1) return attribute ? normaliseSpaces(raw) : raw;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    out += attribute ? normaliseSpaces(raw.slice(from, amp)) : raw.slice(from, amp);
    REFERENCE.lastIndex = amp;
    const m = REFERENCE.exec(raw);
    if (m === null) throw notRead;
    if (m[3] !== undefined) {
      out += NAMED[m[3]]!;
    } else {
      const cp = parseInt(m[1] ?? m[2]!, m[1] !== undefined ? 16 : 10);
      if (!isXmlChar(cp)) throw notRead;
      out += String.fromCodePoint(cp);
    }
    from = REFERENCE.lastIndex;
    amp = raw.indexOf('&', from);
  }
  out += attribute ? normaliseSpaces(raw.slice(from)) : raw.slice(from);
  return out;
}

function normaliseSpaces(s: string): string {
  // Line ends were normalised to '\n' before: tab and newline become a space each.
  return s.includes('\n') || s.includes('\t') ? s.replace(/[\t\n]/g, ' ') : s;
}
