/** Requests of the signalisation service for tests: a filing with a real catalogue form, and the other operations. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findRootDir } from '../../src/config/config.js';
import { SOAP11_ENV } from './soap-client.js';

export const SIG = (v: 1 | 2): string => `http://esav.bfc-fibre.fr/signalisation/v${v}`;

/** A catalogue example, without its XML declaration, to embed in a filing. */
export function formExample(form: string, version: number, name: string): string {
  return readFileSync(path.join(findRootDir(), 'catalog', 'forms', form, `v${version}`, 'examples', name), 'utf8')
    .replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').trim();
}

export function envelope(body: string): string {
  return `<e:Envelope xmlns:e="${SOAP11_ENV}"><e:Body>${body}</e:Body></e:Envelope>`;
}

export function filing(v: 1 | 2, serviceId: string, operatorReference: string, form: string): string {
  return envelope(`<s:DepotSignalisationRequete xmlns:s="${SIG(v)}"><s:identifiantPrestation>${serviceId}</s:identifiantPrestation><s:referenceOperateur>${operatorReference}</s:referenceOperateur><s:formulaire>${form}</s:formulaire></s:DepotSignalisationRequete>`);
}

export function byReference(v: 1 | 2, operation: string, reference: string, extra = ''): string {
  return envelope(`<s:${operation} xmlns:s="${SIG(v)}"><s:referenceSignalisation>${reference}</s:referenceSignalisation>${extra}</s:${operation}>`);
}
