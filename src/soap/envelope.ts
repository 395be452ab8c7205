/**
 * The envelope phase (ARCHITECTURE.md §2): SOAP version from the envelope namespace, header/body split,
 * mustUnderstand (SOAP 1.1 §4.2.3, SOAP 1.2 part 1 §5.2.3).
 */
import { EsavError } from '../errors/esav-error.js';
import type { XmlDocument, XmlElement } from '../xml/libxml.js';
import { soapVersionOfNamespace, type SoapVersion } from './soap-version.js';

export interface Envelope {
  readonly soap: SoapVersion;
  readonly headerBlocks: readonly XmlElement[];
  readonly payload: XmlElement;
}

const ULTIMATE_RECEIVER_ROLES = new Set([
  'http://schemas.xmlsoap.org/soap/actor/next',
  'http://www.w3.org/2003/05/soap-envelope/role/next',
  'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver'
]);

function elementChildren(el: XmlElement): XmlElement[] {
  return el.childNodes().filter((n) => n.type() === 'element') as XmlElement[];
}

function qualifiedName(el: XmlElement): string {
  return `{${el.namespace()?.href() ?? ''}}${el.name()}`;
}

/**
 * @param expected the SOAP version the Content-Type announced; an envelope of the other version is a VersionMismatch
 * @param understood the header blocks ({ns}local) this service processes
 */
export function readEnvelope(doc: XmlDocument, expected: SoapVersion, contentType: string, understood: ReadonlySet<string>): Envelope {
  const root = doc.root()!;
  const soap = soapVersionOfNamespace(root.namespace()?.href());
  if (root.name() !== 'Envelope' || soap === null || soap !== expected) {
    throw new EsavError('ESAV_SOAP_VERSION_MISMATCH', { params: { element: qualifiedName(root), contentType } });
  }
  const children = elementChildren(root);
  const inSoap = (el: XmlElement | undefined, local: string): boolean =>
    el !== undefined && el.name() === local && el.namespace()?.href() === soap.namespace;
  let index = 0;
  let headerBlocks: XmlElement[] = [];
  if (inSoap(children[0], 'Header')) {
    headerBlocks = elementChildren(children[0]!);
    index = 1;
  }
  const body = children[index];
  if (!inSoap(body, 'Body')) throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: "l'élément Body est absent ou n'est pas à sa place" } });
  if (children.length > index + 1) throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: 'des éléments suivent le Body' } });
  const payloads = elementChildren(body!);
  if (payloads.length !== 1) {
    throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: `le Body doit contenir exactement un élément d'opération (il en contient ${payloads.length})` } });
  }

  for (const block of headerBlocks) {
    const mu = block.getAttribute('mustUnderstand');
    const muValue = mu && mu.namespace()?.href() === soap.namespace ? mu.value().trim() : '';
    if (muValue !== '1' && muValue !== 'true') continue;
    const roleAttr = block.getAttribute(soap.id === '1.1' ? 'actor' : 'role');
    const role = roleAttr && roleAttr.namespace()?.href() === soap.namespace ? roleAttr.value().trim() : '';
    if (role !== '' && !ULTIMATE_RECEIVER_ROLES.has(role)) continue; // targeted at another node
    if (!understood.has(qualifiedName(block))) {
      throw new EsavError('ESAV_SOAP_MUST_UNDERSTAND', { params: { header: qualifiedName(block) } });
    }
  }
  return { soap, headerBlocks, payload: payloads[0]! };
}
