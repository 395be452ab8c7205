/**
 * The files of one form version in the pack: mock-up, XML form, XSD (with the schemas it includes) and examples.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { definitionXml } from './definition-xml.js';
import { dayBefore } from './html.js';
import { mockupPage } from './mockup.js';
import type { PackVersion } from './pack-model.js';

export function writeFile(out: string, rel: string, content: string): void {
  const file = path.join(out, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, 'utf8');
}

function copy(out: string, rel: string, from: string): void {
  const file = path.join(out, ...rel.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(from, file);
}

const SCHEMA_LOCATION = /schemaLocation\s*=\s*"([^"]+)"/g;

/**
 * Schemas the form's XSD includes or imports by a relative path inside its own folder, transitively: without them
 * the copied XSD would not compile for the operator. A reference leaving the folder is reported, not guessed at.
 */
function xsdDependencies(xsdFile: string, problems: string[]): string[] {
  const base = path.dirname(xsdFile);
  const seen = new Set<string>();
  const visit = (file: string): void => {
    for (const m of readFileSync(file, 'utf8').matchAll(SCHEMA_LOCATION)) {
      const ref = m[1]!;
      if (/^[a-z]+:/i.test(ref)) continue; // an absolute URL (e.g. the W3C's xml.xsd): the reader's resolver handles it
      const target = path.resolve(path.dirname(file), ref);
      const rel = path.relative(base, target);
      if (rel.startsWith('..') || path.isAbsolute(rel)) { problems.push(`${path.basename(xsdFile)} refers to ${ref}, outside its folder: not copied`); continue; }
      if (seen.has(rel) || !existsSync(target)) continue;
      seen.add(rel);
      visit(target);
    }
  };
  visit(xsdFile);
  return [...seen].map((rel) => rel.split(path.sep).join('/')).sort();
}

/** Writes one form version's folder; returns the pack paths written and any warning. */
export function writeFormVersion(out: string, v: PackVersion, packDate: string): { files: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const files: string[] = [];
  writeFile(out, v.files.maquette, mockupPage(v, packDate));
  files.push(v.files.maquette);
  writeFile(out, v.files.formulaire, definitionXml(v, v.refusedFrom ? dayBefore(v.refusedFrom) : null));
  files.push(v.files.formulaire);
  copy(out, v.files.xsd, v.fv.xsdFile);
  files.push(v.files.xsd);
  for (const dep of xsdDependencies(v.fv.xsdFile, warnings)) {
    const rel = `${v.files.folder}/${dep}`;
    copy(out, rel, path.join(path.dirname(v.fv.xsdFile), ...dep.split('/')));
    files.push(rel);
  }
  for (const example of v.files.examples) {
    for (const rel of [example.file, example.expected]) {
      if (rel === null) continue;
      copy(out, rel, path.join(v.fv.dir, 'examples', rel.slice(rel.lastIndexOf('/') + 1)));
      files.push(rel);
    }
  }
  return { files, warnings };
}
