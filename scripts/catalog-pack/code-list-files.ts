/**
 * The code lists (nomenclatures) of the pack, in XML for integrators and in CSV for the people who fill in
 * spreadsheets of expected values.
 */
import { escapeAttribute as attr, escapeText as text } from '../../src/xml/escape.js';
import type { CodeList } from '../../src/catalog/catalog-types.js';

export function codeListXml(list: CodeList): string {
  const codes = list.codes.map((c) => [
    `  <code valeur="${attr(c.code)}">`,
    `    <libelle>${text(c.label)}</libelle>`,
    ...(c.description ? [`    <description>${text(c.description)}</description>`] : []),
    '  </code>'
  ].join('\n'));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!-- Liste de codes e-SAV (nomenclature) : les valeurs admises des champs codés qui la nomment, "<id>/v<version>". -->',
    `<listeDeCodes id="${attr(list.id)}" version="${list.version}" titre="${attr(list.title)}" annonce="${attr(list.announced)}" production="${attr(list.production)}">`,
    ...codes,
    '</listeDeCodes>',
    ''
  ].join('\n');
}

/** RFC 4180 quoting, applied only where needed so that plain codes stay readable. */
function cell(value: string): string {
  return /[";\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV as French spreadsheets open it: ";" between cells (the "," is the decimal separator in fr-FR), CRLF line ends,
 * and a UTF-8 byte order mark, without which Excel reads the accents as Windows-1252.
 */
export function codeListCsv(list: CodeList): string {
  const rows = [['code', 'libelle', 'description'], ...list.codes.map((c) => [c.code, c.label, c.description ?? ''])];
  return `\uFEFF${rows.map((r) => r.map(cell).join(';')).join('\r\n')}\r\n`;
}
