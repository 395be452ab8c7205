/**
 * The envelope phase (ARCHITECTURE.md §2): SOAP version from the envelope namespace, header/body split,
 * mustUnderstand (SOAP 1.1 §4.2.3, SOAP 1.2 part 1 §5.2.3).
 */
import { EsavError } from '../../errors/esav-error.js';
import { attributeValue, displayName, qualifiedName, type XmlTreeElement } from '../../xml/element-tree.js';
import { soapVersionOfNamespace, type SoapVersion } from '../soap-version.js';

export interface Envelope {
  readonly soap: SoapVersion;
  readonly headerBlocks: readonly XmlTreeElement[];
  readonly payload: XmlTreeElement;
}

const ULTIMATE_RECEIVER_ROLES = new Set([
  'http://schemas.xmlsoap.org/soap/actor/next',
  'http://www.w3.org/2003/05/soap-envelope/role/next',
  'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver'
]);

/**
 * @param root the document element
 * @param expected the SOAP version the Content-Type announced; an envelope of the other version is a VersionMismatch
 * @param understood the header blocks ({ns}local) this service processes
 */
export function readEnvelope(root: XmlTreeElement, expected: SoapVersion, contentType: string, understood: ReadonlySet<string>): Envelope {
  const soap = soapVersionOfNamespace(root.namespace === '' ? undefined : root.namespace);
  if (root.name !== 'Envelope' || soap === null || soap !== expected) {
    throw new EsavError('ESAV_SOAP_VERSION_MISMATCH', { params: { element: displayName(root), contentType } });
  }
  const children = root.children;
  const inSoap = (el: XmlTreeElement | undefined, local: string): boolean =>
    el !== undefined && el.name === local && el.namespace === soap.namespace;
  let index = 0;
  let headerBlocks: readonly XmlTreeElement[] = [];
  if (inSoap(children[0], 'Header')) {
    headerBlocks = children[0]!.children;
    index = 1;
  }
  const body = children[index];
  if (!inSoap(body, 'Body')) throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: "l'élément Body est absent ou n'est pas à sa place" } });
  if (children.length > index + 1) throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: 'des éléments suivent le Body' } });
  const payloads = body!.children;
  if (payloads.length !== 1) {
    throw new EsavError('ESAV_SOAP_ENVELOPE', { params: { reason: `le Body doit contenir exactement un élément d'opération (il en contient ${payloads.length})` } });
  }

  for (const block of headerBlocks) {
    const muValue = attributeValue(block, soap.namespace, 'mustUnderstand')?.trim() ?? '';
    if (muValue !== '1' && muValue !== 'true') continue;
    const role = attributeValue(block, soap.namespace, soap.id === '1.1' ? 'actor' : 'role')?.trim() ?? '';
    if (role !== '' && !ULTIMATE_RECEIVER_ROLES.has(role)) continue; // targeted at another node
    if (!understood.has(qualifiedName(block))) {
      throw new EsavError('ESAV_SOAP_MUST_UNDERSTAND', { params: { header: displayName(block) } });
    }
  }
  return { soap, headerBlocks, payload: payloads[0]! };
}
