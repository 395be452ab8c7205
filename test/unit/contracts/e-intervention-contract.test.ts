import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../../src/config/config.js';
import { E_INTERVENTION_FILES, loadEInterventionContract, SERVED_BY } from '../../../src/contracts/e-intervention-contract.js';
import { DEFAULT_E_INTERVENTION_POLICY } from '../../../src/domain/e-intervention-rules.js';
import { eInterventionV2 } from '../../../src/services/e-intervention/v2/e-intervention-v2.js';

describe('E-Intervention v2.5 contract (issue 18)', () => {
  const contract = loadEInterventionContract(findRootDir());

  it('reads every operation of both files with its method, path, serving party and error codes', () => {
    expect([...contract.operations.keys()].sort()).to.deep.equal(Object.keys(SERVED_BY).sort());
    const m5 = contract.operation('notifierImpacteClientsOC');
    expect([m5.file, m5.method, m5.path, m5.servedBy]).to.deep.equal(['OI', 'POST', '/interventions-oi/notification-impacte-clients-oc', 'OI']);
    expect(m5.errorCodes).to.include.members(['DELAI_NON_RESPECTE', 'ERREUR_ITERATION', 'REF_INTERV_OI_INCONNUE']);
    expect(contract.operation('modifierInterventionDO').method).to.equal('PUT');
  });

  it('tells a missing field from a bad one, naming the path', () => {
    const problems = contract.operation('notifierImpacteClientsOC').requestProblems({
      refIntervOI: 'X', codeOcImpacte: 'OPB', message: 'M5TX', ligneClientRetablie: [], testCloture: 'oui',
      clientHSOC: [{ refPTO: 'P', refPBO: 'B', nomModulePM: 'M', positionModulePM: '1', fibre: '1', tube: '1', dateChangementEtat: 'hier' }]
    });
    expect(problems).to.deep.include({ kind: 'missing', field: 'clientHSOC/0/positionCoupleurOC', message: 'obligatoire' });
    expect(problems).to.deep.include({ kind: 'format', field: 'clientHSOC/0/dateChangementEtat', message: 'format date-time attendu' });
    expect(problems).to.deep.include({ kind: 'format', field: 'testCloture', message: 'type boolean attendu' });
  });

  it('refuses to boot on a file with an operation no party is known to serve', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'esav-openapi-'));
    try {
      cpSync(path.join(findRootDir(), 'openapi'), path.join(root, 'openapi'), { recursive: true });
      const file = path.join(root, 'openapi', 'e-intervention', 'v2', E_INTERVENTION_FILES.DO);
      writeFileSync(file, readFileSync(file, 'utf8').replace('operationId: creerInterventionDO', 'operationId: creerInterventionDOv3'));
      expect(() => loadEInterventionContract(root)).to.throw(/creerInterventionDOv3.*no serving party/s);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('has a handler for every operation the OI serves, and no other', () => {
    const handlers = eInterventionV2({
      contract, oiCode: 'BFCF', policy: DEFAULT_E_INTERVENTION_POLICY, onMessages: () => undefined,
      port: { declare: () => Promise.reject(new Error('unused')), change: () => Promise.reject(new Error('unused')) }
    });
    const served = [...contract.operations.values()].filter((o) => o.servedBy === 'OI').map((o) => o.id).sort();
    expect([...handlers.keys()].sort()).to.deep.equal(served);
  });
});
