/**
 * The validate phase (ARCHITECTURE.md §2): the whole envelope against the version's schema compiled at boot, every
 * error listed. The Body's element is validated strictly; header blocks the contract declares are validated too
 * (lax processing: a declared element is checked, an undeclared one without mustUnderstand is ignored).
 */
import type { ServiceVersionDescriptor } from '../../contracts/service-descriptor.js';
import { EsavError } from '../../errors/esav-error.js';
import type { ParsedRequest } from '../../xml/request-reader.js';
import type { CompiledSchema } from '../../xml/xsd-validator.js';
import type { SoapVersion } from '../soap-version.js';

/** The schema a request of this SOAP version is checked against. */
export function schemaFor(d: ServiceVersionDescriptor, soap: SoapVersion): CompiledSchema {
  return d.envelopeSchemas[soap.id === '1.1' ? 'soap11' : 'soap12'];
}

export function validate(request: ParsedRequest, d: ServiceVersionDescriptor, soap: SoapVersion): void {
  // Fields are named by their path from the operation's element; SOAP's own attributes on a header block
  // (mustUnderstand, actor, role…) belong to the envelope and are left out of the block's errors (field-paths.ts).
  const fields = request.validate(schemaFor(d, soap));
  if (fields.length > 0) {
    throw new EsavError('ESAV_SCHEMA_INVALID', { params: { service: d.service, version: d.version, count: fields.length }, fields });
  }
}
