/** Small readers and writers shared by the signalisation version adapters. */
import type { XmlElement } from '../../xml/libxml.js';

export function childElement(el: XmlElement, local: string): XmlElement | null {
  for (const c of el.childNodes()) if (c.type() === 'element' && c.name() === local) return c;
  return null;
}

export function childText(el: XmlElement, local: string): string | null {
  const c = childElement(el, local);
  return c ? c.text().trim() : null;
}

export function childTexts(el: XmlElement, local: string): string[] {
  return el.childNodes().filter((c) => c.type() === 'element' && c.name() === local).map((c) => c.text().trim());
}

export const iso = (d: Date): string => d.toISOString();
