/**
 * The push-notification examples of docs/examples/notification/v1/ (issue 19 item 1: operator-implemented, so not
 * replayed against the gateway): each is, comments and layout aside, the golden outbound sample that
 * test/unit/jobs/notification-message.test.ts checks byte for byte against what the notification worker sends, and
 * validates against the notification contract's XSD.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { libxml, type XmlElement } from '../../../src/xml/libxml.js';
import { compact } from '../../../scripts/lib/examples.js';

const ROOT = findRootDir();
const EXAMPLES = path.join(ROOT, 'docs/examples/notification/v1');
const SAMPLES = path.join(ROOT, 'test/samples/notification/v1');
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['01-notificationSignalisation-etat', 'notificationSignalisation__changement-etat-gel'],
  ['02-notificationSignalisation-commentaire', 'notificationSignalisation__commentaire-oi']
];

describe('push-notification examples (docs/examples/notification/v1)', () => {
  const schema = libxml.parseXml(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:esav:test:wrapper">
    <xs:import namespace="http://esav.bfc-fibre.fr/notification/v1" schemaLocation="file://${path.join(ROOT, 'xsd/notification/v1/notification.xsd')}"/>
  </xs:schema>`, { baseUrl: `${ROOT}/` });

  for (const [example, sample] of PAIRS) {
    for (const side of ['request', 'response'] as const) {
      it(`shows ${example}'s ${side} as the gateway's golden exchange ${sample}, valid against the contract`, () => {
        const shown = readFileSync(path.join(EXAMPLES, `${example}.${side}.xml`), 'utf8');
        expect(compact(shown)).to.equal(compact(readFileSync(path.join(SAMPLES, sample, `${side}.xml`), 'utf8')));
        const body = libxml.parseXml(shown).get('//*[local-name()="Body"]') as XmlElement;
        const payload = libxml.parseXml(body.childNodes().find((n) => n.type() === 'element')!.toString());
        expect(payload.validate(schema), payload.validationErrors.map((e) => e.message).join('; ')).to.equal(true);
      });
    }
  }
});
