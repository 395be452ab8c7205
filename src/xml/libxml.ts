/**
 * The one place that touches libxmljs' low-level bindings. libxmljs' own Document#validate() compiles the schema
 * on every call; the gateway compiles each schema once at boot and keeps the validation context, so these
 * bindings are used directly.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type Libxml = typeof import('libxmljs');
type Bindings = typeof import('libxmljs/dist/lib/bindings/functions.js');

export const libxml: Libxml = require('libxmljs') as Libxml;
export const bindings: Bindings = require('libxmljs/dist/lib/bindings/functions.js') as Bindings;

export type XmlDocument = import('libxmljs').XMLDocument;
export type XmlElement = import('libxmljs').XMLElement;

/** The native pointer of a document, for the schema bindings (protected in libxmljs' typings, public at runtime). */
export function nativeRef(doc: XmlDocument): never {
  return (doc as unknown as { getNativeReference(): never }).getNativeReference();
}
