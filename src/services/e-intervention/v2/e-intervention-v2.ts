/**
 * The E-Intervention API v2.5 adapter (issue 18): the JSON bodies of the flows the OI serves ⇄ the moves of
 * src/domain/e-intervention.ts. Bodies arrive already checked against the files' schemas (the transport); this layer
 * checks what a schema cannot (our OI code, the caller named in the body) and answers in each operation's own
 * shapes: its 200 body with code 0, or its 400 body with a code from that operation's `error` enum.
 */
import type { EInterventionContract, SchemaProblem } from '../../../contracts/e-intervention-contract.js';
import {
  closeWithReport, declare, endIntervention, reportImpacts, requestTest, visibleTo,
  type Declaration, type DeclarationFacts, type Intervention, type Move, type ReportLine
} from '../../../domain/e-intervention.js';
import { invariantViolated } from '../../../errors/coded-error.js';
import { codeFor, refuse, type EInterventionPolicy, type Refusal } from '../../../domain/e-intervention-rules.js';

type Json = Record<string, unknown>;
type Key = { readonly refIntervOI: string } | { readonly doOperator: string; readonly refIntervDO: string };

/** What the adapter needs of the store (src/store/e-intervention-store.ts implements it). */
export interface InterventionPort {
  declare(d: Declaration, now: Date, build: (facts: DeclarationFacts, refIntervOI: string) => Move): Promise<{ refIntervOI: string } | Refusal>;
  change(key: Key, now: Date, fn: (iv: Intervention, reads: {
    prises(operator: string, refs: readonly string[]): Promise<Map<string, string | null>>;
    otherOpenAtPm(): Promise<boolean>;
  }) => Promise<Move> | Move): Promise<{ next: Intervention; tests?: number } | Refusal | null>;
}

export interface Answer { readonly status: 200 | 400; readonly body: Json }
export type Handler = (caller: string, body: Json, now: Date) => Promise<Answer>;

export interface EInterventionAdapterOptions {
  readonly contract: EInterventionContract;
  readonly port: InterventionPort;
  readonly oiCode: string;
  readonly policy: EInterventionPolicy;
  /** Told after a change that wrote outbound messages was committed (wakes the outbox worker: the alert path). */
  readonly onMessages: () => void;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const isRefusal = (x: object): x is Refusal => 'refused' in x;

/** The 400 body of an operation for a refusal: the nearest code its file lists, the field in error_parameters. */
export function errorAnswer(contract: EInterventionContract, operation: string, r: Refusal): Answer {
  const op = contract.operation(operation);
  return {
    status: 400,
    body: {
      error: codeFor(r.refused, op.errorCodes), error_description: r.reason.slice(0, 256), ...(r.field ? { error_parameters: [r.field.slice(0, 64)] } : {})
    }
  };
}

/** A body that breaks its schema: CHAMPS_NON_RENSEIGNE when a mandatory field is missing, else MAUVAIS_FORMAT. */
export function schemaAnswer(contract: EInterventionContract, operation: string, problems: readonly SchemaProblem[]): Answer {
  const missing = problems.filter((p) => p.kind === 'missing');
  const shown = missing.length > 0 ? missing : problems;
  const r = refuse(missing.length > 0 ? 'CHAMPS_NON_RENSEIGNE' : 'MAUVAIS_FORMAT', null, shown.map((p) => `${p.field} : ${p.message}`).join(' ; '));
  const answer = errorAnswer(contract, operation, r);
  return { status: 400, body: { ...answer.body, error_parameters: shown.slice(0, 20).map((p) => p.field.slice(0, 64)) } };
}

export function eInterventionV2(o: EInterventionAdapterOptions): ReadonlyMap<string, Handler> {
  const fail = (operation: string, r: Refusal): Answer => errorAnswer(o.contract, operation, r);
  const unknown = (field: string, ref: string): Refusal => refuse('REF_INTERV_INCONNUE', field, `intervention ${ref} inconnue`);

  /** The checks a schema cannot make: our OI code, and the DO named in the body being the caller. */
  function identity(caller: string, body: Json, withDo: boolean): Refusal | null {
    if ('codeOI' in body && body.codeOI !== o.oiCode) {
      return refuse('CODE_OI_INCONNU', 'codeOI', `${String(body.codeOI)} n'est pas le code de cet OI (${o.oiCode})`);
    }
    if (withDo && body.codeDO !== caller) return refuse('MAUVAIS_FORMAT', 'codeDO', `${String(body.codeDO)} ne correspond pas au certificat de l'appelant`);
    return null;
  }

  type MoveFn = Parameters<InterventionPort['change']>[2];
  async function run(operation: string, key: Key, now: Date, notFound: Refusal, fn: MoveFn): Promise<{ next: Intervention; tests?: number } | Answer> {
    const r = await o.port.change(key, now, fn);
    if (r === null) return fail(operation, notFound);
    if (isRefusal(r)) return fail(operation, r);
    o.onMessages();
    return r;
  }

  const handlers = new Map<string, Handler>();

  // M1: the DO declares its intervention's start.
  handlers.set('creerInterventionDO', async (caller, b, now) => {
    const bad = identity(caller, b, true);
    if (bad) return fail('creerInterventionDO', bad);
    const pm = b.pointMutualisation as Json;
    const d: Declaration = {
      doOperator: caller, refIntervDO: String(b.refIntervDO), refPM: String(pm.refPM), refPMTechnique: String(pm.refPMTechnique),
      refPBO: str(b.refPBO), refPTO: str(b.refPTO), nature: String(b.nature), elementReseau: str(b.elementReseau), description: null,
      startedAt: new Date(String(b.dateDebutIntervention))
    };
    const r = await o.port.declare(d, now, (facts, ref) => declare(d, facts, ref, o.oiCode, now));
    if (isRefusal(r)) return fail('creerInterventionDO', r);
    o.onMessages();
    return { status: 200, body: { code: 0, refIntervDO: d.refIntervDO, refIntervOI: r.refIntervOI } };
  });

  // M5TX: an operator reports its customers cut (and restored); relayed to the DO at once (M6TX).
  handlers.set('notifierImpacteClientsOC', async (caller, b, now) => {
    const ref = String(b.refIntervOI);
    const cut = (b.clientHSOC as Json[]).map((c) => ({
      refPTO: String(c.refPTO), refPBO: String(c.refPBO), nomModulePM: String(c.nomModulePM), positionModulePM: String(c.positionModulePM),
      positionCoupleurOC: String(c.positionCoupleurOC), fibre: String(c.fibre), tube: String(c.tube), couleurJarretiere: str(c.couleurJarretiere),
      numeroSerieONT: str(c.numeroSerieONT), serviceId: str(c.referencePrestationPrise), cutAt: new Date(String(c.dateChangementEtat))
    }));
    const restored = (b.ligneClientRetablie as Json[]).map((l) => ({ refPTO: String(l.refPTO), at: new Date(String(l.dateChangementEtat)) }));
    const repairAnswers = ((b.demandeReparation as Json[] | undefined) ?? []).map((x) => ({ codeDO: String(x.codeDO), reparation: x.reparation === true }));
    const report = {
      operator: caller, codeOcImpacte: String(b.codeOcImpacte), numeroTest: num(b.numeroTest), testCloture: b.testCloture === true, cut, restored, repairAnswers
    };
    const r = await run('notifierImpacteClientsOC', { refIntervOI: ref }, now, refuse('REF_INTERV_OI_INCONNUE', 'refIntervOI', `intervention ${ref} inconnue`),
      async (iv, reads) => {
        if (!visibleTo(iv, caller)) return refuse('REF_INTERV_OI_INCONNUE', 'refIntervOI', `intervention ${ref} inconnue`);
        const prises = await reads.prises(caller, [...new Set([...cut, ...restored].map((c) => c.refPTO))]);
        return reportImpacts(iv, report, { now, policy: o.policy, prises, otherOpenAtPm: await reads.otherOpenAtPm() });
      });
    if ('status' in r) return r;
    return { status: 200, body: { code: 0, refIntervOI: ref, numeroTest: report.numeroTest ?? r.next.test } };
  });

  // M3TX: the DO asks for an intermediate test; relayed to every operator (M4TX).
  handlers.set('demanderTestIntermediaireInterventionDO', async (caller, b, now) => {
    const bad = identity(caller, b, true);
    if (bad) return fail('demanderTestIntermediaireInterventionDO', bad);
    const ref = String(b.refIntervOI);
    const test = { numeroTest: Number(b.numeroTest), natureTest: String(b.natureTest), dateTest: new Date(String(b.dateTest)) };
    const r = await run('demanderTestIntermediaireInterventionDO', { refIntervOI: ref }, now, unknown('refIntervOI', ref), (iv) =>
      (iv.doOperator !== caller || iv.refIntervDO !== b.refIntervDO ? unknown('refIntervOI', ref) : requestTest(iv, test, o.oiCode, now, o.policy)));
    if ('status' in r) return r;
    // The OI tests the impacted lines still cut itself (e-intervention-tests.ts); its results reach the DO as M6TX.
    const description = `${r.tests ?? 0} ligne(s) coupée(s) testée(s) par l'OI, résultat relayé en M6TX`;
    return { status: 200, body: { code: 0, description, numeroTest: test.numeroTest, refIntervDO: String(b.refIntervDO), refIntervOI: ref } };
  });

  // M3: the DO declares the end; relayed to every operator (M4).
  handlers.set('modifierInterventionDO', async (caller, b, now) => {
    const bad = identity(caller, b, true);
    if (bad) return fail('modifierInterventionDO', bad);
    const refDO = String(b.refIntervDO);
    const pm = b.pointMutualisation as Json;
    const r = await run('modifierInterventionDO', { doOperator: caller, refIntervDO: refDO }, now, unknown('refIntervDO', refDO),
      (iv) => endIntervention(iv, { endedAt: new Date(String(b.dateFinIntervention)), refPM: String(pm.refPM) }, o.oiCode, now, o.policy));
    if ('status' in r) return r;
    return { status: 200, body: { code: 0, refIntervDO: refDO, refIntervOI: r.next.refIntervOI } };
  });

  // The DO's report after M3; each operator gets its own lines (compteRenduInterventionOI).
  handlers.set('compteRenduInterventionDO', async (caller, b, now) => {
    const bad = identity(caller, b, true);
    if (bad) return fail('compteRenduInterventionDO', bad);
    const refDO = String(b.refIntervDO);
    const line = (l: Json): ReportLine => ({ refPTO: str(l.refPTO), repaCodeOC: str(l.repaCodeOC), fields: l });
    const list = (v: unknown): ReportLine[] => ((v as Json[] | undefined) ?? []).map(line);
    const rep = { impacted: list(b.lignesImpactees), restored: list(b.lignesRetablies) };
    const r = await run('compteRenduInterventionDO', { doOperator: caller, refIntervDO: refDO }, now, unknown('refIntervDO', refDO), (iv) =>
      (str(b.refIntervOI) !== null && b.refIntervOI !== iv.refIntervOI
        ? unknown('refIntervOI', String(b.refIntervOI)) : closeWithReport(iv, rep, o.oiCode, now)));
    if ('status' in r) return r;
    return { status: 200, body: { code: 0, refIntervDO: refDO, refIntervOI: r.next.refIntervOI } };
  });

  for (const op of o.contract.operations.values()) {
    if (op.servedBy === 'OI' && !handlers.has(op.id)) throw invariantViolated(`e-intervention: no handler for ${op.id}`);
  }
  return handlers;
}
