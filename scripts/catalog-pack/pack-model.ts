/**
 * What goes into the pack as of one date, and where each file lives in it. The index, the mock-ups and the tests
 * all take file names from here, so that a link can never point to a name the builder did not write.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Catalog, CodeList, FormContract, FormVersion } from '../../src/catalog/catalog-types.js';
import { parisMidnight } from '../../src/domain/calendar.js';
import { catalogueVersionState } from '../../src/domain/form-version-policy.js';

/** An example document and, when the catalogue has one, the fault it is expected to get (`<name>.expected.json`). */
export interface PackExample {
  readonly file: string;
  readonly expected: string | null;
}

export interface PackFiles {
  readonly folder: string;
  readonly maquette: string;
  readonly formulaire: string;
  readonly xsd: string;
  readonly examples: readonly PackExample[];
}

export interface PackVersion {
  readonly contract: FormContract;
  readonly fv: FormVersion;
  /** The first day this version is refused (rule V2), or null while no newer version is planned. */
  readonly refusedFrom: string | null;
  /** True during the one-month coexistence: a newer version of the same form is live too. */
  readonly previous: boolean;
  readonly files: PackFiles;
  /** The code list versions its coded fields name, in field order, without duplicates. */
  readonly codeLists: readonly CodeList[];
}

export interface PackModel {
  /** The Paris date the pack describes. */
  readonly date: string;
  readonly generatedAt: Date;
  /** Sorted by offer, form, version. */
  readonly versions: readonly PackVersion[];
  /** Every code list version a live form uses, sorted by id and version. */
  readonly codeLists: readonly CodeList[];
}

export const INDEX_FILE = 'index.html';
export const CODE_LIST_FOLDER = 'listes-de-codes';

export const codeListKey = (list: CodeList): string => `${list.id}/v${list.version}`;

export function codeListFile(list: CodeList, ext: 'xml' | 'csv'): string {
  return `${CODE_LIST_FOLDER}/${list.id}-v${list.version}.${ext}`;
}

export function packFiles(fv: FormVersion): PackFiles {
  const folder = `${fv.form}-v${fv.version}`;
  return {
    folder,
    maquette: `${folder}/maquette.html`,
    formulaire: `${folder}/formulaire.xml`,
    // The XSD keeps its catalogue name: integrators recognise it, and an <xs:include> by name keeps working.
    xsd: `${folder}/${path.basename(fv.xsdFile)}`,
    examples: fv.examples.map((e) => {
      const expected = e.replace(/\.xml$/, '.expected.json');
      return { file: `${folder}/exemples/${e}`, expected: existsSync(path.join(fv.dir, 'examples', expected)) ? `${folder}/exemples/${expected}` : null };
    })
  };
}

/** From a file of a form's folder to another pack file: mock-ups sit one folder down from the pack root. */
export const fromFormFolder = (packPath: string): string => `../${packPath}`;

function usedCodeLists(catalog: Catalog, fv: FormVersion): CodeList[] {
  const keys = [...new Set(fv.definition.fields.flatMap((f) => (f.type === 'code' && f.codeList ? [f.codeList] : [])))];
  // The loader refuses a catalogue whose coded field names an unknown list, so every key resolves.
  return keys.map((k) => catalog.codeLists.get(k)!);
}

/**
 * The form versions live on a Paris date. The state is read at 00:00 Paris that day: versions change state only at
 * Paris midnights (calendar.ts), so the whole day has the same answer and the pack does not depend on the hour.
 */
export function packModel(catalog: Catalog, date: string, generatedAt: Date): PackModel {
  const at = parisMidnight(date);
  const versions: PackVersion[] = [];
  for (const contract of catalog.forms.values()) {
    const live = contract.versions.flatMap((fv) => {
      const state = catalogueVersionState(contract.versions, fv, at);
      return state.state === 'live' ? [{ fv, refusedFrom: state.acceptedUntil }] : [];
    });
    const newest = Math.max(...live.map((l) => l.fv.version));
    for (const { fv, refusedFrom } of live) {
      versions.push({ contract, fv, refusedFrom, previous: fv.version < newest, files: packFiles(fv), codeLists: usedCodeLists(catalog, fv) });
    }
  }
  versions.sort((a, b) => a.contract.offer.localeCompare(b.contract.offer) || a.contract.id.localeCompare(b.contract.id) || a.fv.version - b.fv.version);
  const lists = new Map<string, CodeList>();
  for (const v of versions) for (const l of v.codeLists) lists.set(codeListKey(l), l);
  const codeLists = [...lists.values()].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  return { date, generatedAt, versions, codeLists };
}

/** The pack versions that use a code list version, for the index's "used by" column. */
export function usersOf(model: PackModel, list: CodeList): PackVersion[] {
  return model.versions.filter((v) => v.codeLists.some((l) => codeListKey(l) === codeListKey(list)));
}
