/**
 * The validate phase (ARCHITECTURE.md §2): the whole envelope against the version's schema compiled at boot, every
 * error listed. The Body's element is validated strictly; header blocks the contract declares are validated too
 * (lax processing: a declared element is checked, an undeclared one without mustUnderstand is ignored).
 */
import type { ServiceVersionDescriptor } from '../../contracts/service-descriptor.js';
import { EsavError, type FieldError } from '../../errors/esav-error.js';
import type { ParsedRequest } from '../../xml/request-reader.js';
import type { SoapVersion } from '../soap-version.js';

/**
 * SOAP's own attributes on a header block (SOAP 1.1 §4.2: actor, mustUnderstand; SOAP 1.2 part 1 §5.2: role,
 * mustUnderstand, relay; encodingStyle on any element) belong to the envelope, not to the block's schema.
 */
const SOAP_HEADER_ATTRIBUTES = ['mustUnderstand', 'actor', 'role', 'relay', 'encodingStyle'];

function isSoapAttributeOfHeader(f: FieldError, d: ServiceVersionDescriptor, soap: SoapVersion): boolean {
  const at = f.field.indexOf('/@');
  if (at === -1 || !d.understoodHeaders.has(f.field.slice(0, at))) return false;
  return SOAP_HEADER_ATTRIBUTES.some((a) => f.field.slice(at + 2) === `{${soap.namespace}}${a}`);
}

export function validate(request: ParsedRequest, d: ServiceVersionDescriptor, soap: SoapVersion): void {
  let fields = request.validate(d.envelopeSchemas[soap.id === '1.1' ? 'soap11' : 'soap12']);
  if (fields.length > 0 && d.understoodHeaders.size > 0) fields = fields.filter((f) => !isSoapAttributeOfHeader(f, d, soap));
  if (fields.length > 0) {
    throw new EsavError('ESAV_SCHEMA_INVALID', { params: { service: d.service, version: d.version, count: fields.length }, fields });
  }
}
