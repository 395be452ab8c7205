import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { CatalogError } from '../../../src/catalog/catalog-loader.js';
import { ConfigError } from '../../../src/config/config.js';
import { ContractError } from '../../../src/contracts/contract-loader.js';
import { AdminError, adminErrorCodes } from '../../../src/errors/admin-error.js';
import { CodedError, invariantViolated, isCodedError } from '../../../src/errors/coded-error.js';
import { internalCodes } from '../../../src/errors/internal-codes.js';
import { TransportError, describeFailure } from '../../../src/jobs/notification-sender.js';
import { CsrError } from '../../../src/pki/certificate-authority.js';
import { toEsavError } from '../../../src/soap/fault-writer.js';
import { EmbeddedPostgresError } from '../../../src/store/embedded-postgres.js';
import { MigrationError } from '../../../src/store/migrate.js';
import { SchemaCompileError } from '../../../src/xml/xsd-validator.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('coded internal errors', () => {
  // src/testpack is the operators' client and imports nothing of the gateway (its errors carry TESTPACK_* codes).
  const sources = files('src').filter((f) => !f.startsWith(path.join('src', 'testpack') + path.sep));

  it('throws no bare Error in src/: every error has a stable code', () => {
    const offenders = sources.flatMap((f) => readFileSync(f, 'utf8').split('\n').map((l, i) => [f, i + 1, l] as const))
      .filter(([, , l]) => /\bnew Error\(/.test(l)).map(([f, n]) => `${f}:${n}`);
    expect(offenders).to.deep.equal([]);
  });

  it('derives every error class of src/ from CodedError or EsavError, outside src/errors', () => {
    const offenders = sources.filter((f) => !f.startsWith(path.join('src', 'errors') + path.sep) && /\bextends Error\b/.test(readFileSync(f, 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('gives each internal error class its registered code, its own name and its data', () => {
    const cases: [CodedError, string, string][] = [
      [new ConfigError(['PORT is not a number']), 'ESAV_CONFIG_INVALID', 'ConfigError'],
      [new ContractError(['x']), 'ESAV_CONTRACT_INVALID', 'ContractError'],
      [new CatalogError(['x']), 'ESAV_CATALOG_INVALID', 'CatalogError'],
      [new SchemaCompileError('a.xsd', ['x']), 'ESAV_SCHEMA_COMPILE_FAILED', 'SchemaCompileError'],
      [new MigrationError('checksum changed'), 'ESAV_MIGRATION_FAILED', 'MigrationError'],
      [new EmbeddedPostgresError('initdb failed', 'out'), 'ESAV_EMBEDDED_POSTGRES_FAILED', 'EmbeddedPostgresError'],
      [new CsrError('unreadable'), 'ESAV_CSR_INVALID', 'CsrError'],
      [new TransportError('too long', 200), 'ESAV_NOTIFICATION_TRANSPORT', 'TransportError'],
      [new AdminError('ADMIN_TRUST', 'not trusted'), 'ADMIN_TRUST', 'AdminError'],
      [invariantViolated('ticket T-1 written although refused'), 'ESAV_INVARIANT', 'CodedError']
    ];
    for (const [e, code, name] of cases) {
      expect(e.code, name).to.equal(code);
      expect(e.name, code).to.equal(name);
      expect(isCodedError(e), code).to.equal(true);
      expect(e.description, code).to.equal(internalCodes[e.code].description);
    }
    expect(new ConfigError(['PORT is not a number']).problems).to.deep.equal(['PORT is not a number']);
    expect(new EmbeddedPostgresError('initdb failed', 'out').message).to.equal('initdb failed\n--- PostgreSQL said ---\nout');
  });

  it('keeps the ADMIN_* codes as they were issued', () => {
    expect(Object.keys(adminErrorCodes)).to.deep.equal(['ADMIN_INVALID_INPUT', 'ADMIN_NOT_FOUND', 'ADMIN_CONFLICT', 'ADMIN_TRUST', 'ADMIN_FORBIDDEN', 'ADMIN_USAGE']);
    expect(new AdminError('ADMIN_INVALID_INPUT', 'bad', ['a', 'b']).message).to.equal('bad\n  - a\n  - b');
  });

  it('answers ERREUR_INTERNE for a coded internal error met by a request, the error kept as the cause', () => {
    const cause = invariantViolated('the filing statement gave no answer for REF-1');
    const e = toEsavError(cause, 'req-9');
    expect(e.definition.wireCode).to.equal('ERREUR_INTERNE');
    expect(e.message).not.to.include('REF-1');
    expect(e.cause).to.equal(cause);
  });

  it('names a notification transport failure by its code in the delivery log', () => {
    expect(describeFailure(new TransportError('réponse de plus de 65536 octets', 200))).to.equal('ESAV_NOTIFICATION_TRANSPORT: réponse de plus de 65536 octets');
  });
});
