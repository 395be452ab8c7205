/** Runs esav-admin commands in-process against a test schema, with the test PKI as the OI's CA. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAdmin } from '../../src/admin/run-admin.js';
import { systemClock, type Clock } from '../../src/domain/clock.js';
import { testDatabaseUrl } from './database.js';
import type { TestPki } from './pki.js';

/** A valid order form of a new operator (OPC), for `operators create` and the checks of its fields. */
export const ORDER = {
  code: 'OPC', contractReference: 'ESAV-2026-0103', companyName: 'Opérateur C Fibre', siret: '55210055400013',
  representative: { name: 'Jeanne Roux', title: 'Présidente' }, contact: { name: 'NOC', email: 'noc@opc.example', phone: '+33 1 23 45 67 89' },
  address: { street: '3 rue du Port', postcode: '21000', city: 'Dijon' }, esavContact: null,
  access: { online: false, integrated: true }, activationDate: '2026-12-01'
};

export interface AdminRun { readonly code: number; readonly out: string; readonly err: string }

export interface AdminRunner {
  (args: readonly string[], clock?: Clock): Promise<AdminRun>;
  /** A scratch folder for the files the commands read and write. */
  readonly dir: string;
  file(name: string, content: string): string;
}

export function adminRunner(schema: string, pki: TestPki): AdminRunner {
  const dir = mkdtempSync(path.join(tmpdir(), 'esav-admin-'));
  const file = (name: string, content: string): string => { const f = path.join(dir, name); writeFileSync(f, content); return f; };
  const url = new URL(testDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = {
    ESAV_ENV: 'development', LOG_LEVEL: 'silent', DATABASE_URL: url.toString(),
    ESAV_TLS_CERT: file('server.crt', pki.server.certPem), ESAV_TLS_KEY: file('server.key', pki.server.keyPem),
    ESAV_TLS_CA: file('ca.crt', pki.ca), ESAV_CA_KEY: file('ca.key', pki.caKey)
  };
  const run = async (args: readonly string[], clock: Clock = systemClock): Promise<AdminRun> => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdmin(args, { env, clock, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return Object.assign(run, { dir, file });
}
