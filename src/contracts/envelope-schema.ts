/**
 * The schema that validates a whole SOAP request in one libxml2 pass: the SOAP envelope (Header lax, Body strict)
 * importing every message schema of one service version. The Body's children must be declared by the service's
 * XSDs, so the operation element is validated without copying it out of the envelope.
 */
import { pathToFileURL } from 'node:url';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

export function envelopeSchemaSource(soapNamespace: string, imports: ReadonlyArray<{ namespace: string; file: string }>): string {
  const importLines = imports
    .map((i) => `<xs:import namespace="${i.namespace}" schemaLocation="${pathToFileURL(i.file).href}"/>`)
    .join('\n  ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:env="${soapNamespace}"
  targetNamespace="${soapNamespace}" elementFormDefault="qualified">
  ${importLines}
  <xs:element name="Envelope">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="env:Header" minOccurs="0"/>
        <xs:element ref="env:Body"/>
      </xs:sequence>
      <xs:anyAttribute namespace="##any" processContents="lax"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="Header">
    <xs:complexType>
      <xs:sequence>
        <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:anyAttribute namespace="##any" processContents="lax"/>
    </xs:complexType>
  </xs:element>
  <xs:element name="Body">
    <xs:complexType>
      <xs:sequence>
        <xs:any namespace="##other" processContents="strict" minOccurs="1" maxOccurs="1"/>
      </xs:sequence>
      <xs:anyAttribute namespace="##any" processContents="lax"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;
}
