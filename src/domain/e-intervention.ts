/**
 * The life of an e-intervention at the OI (issue 18; DOMAIN.md E1, E2, E3), as pure functions: each flow the OI
 * receives is a move from one snapshot to the next plus the messages the OI must send, or a refusal in the
 * Interop'Fibre E-Intervention API's own error codes. No I/O: the store loads and writes, the clock is passed in.
 *
 *   M1 (DO)  → EN_COURS, test 0, M2 to every other operator present at the PM            (E1: the alert's first hop)
 *   M5TX (OC) → its cut and restored lines recorded, its repair consent answered, M6TX to the DO (E1, E2)
 *   M3TX (DO) → test n+1 opened, M4TX to every operator                                     (E2: check a repair)
 *   M3 (DO)  → TERMINEE, the end's test opened, M4 to every operator
 *   compte rendu (DO) → CLOTUREE, lines restored by the DO recorded, the report to each operator, its own lines only (E3)
 */
import type { EInterventionPolicy, Refusal, StandingConsent } from './e-intervention-rules.js';
import { refuse } from './e-intervention-rules.js';

export type InterventionState = 'EN_COURS' | 'TERMINEE' | 'CLOTUREE';
export type RepairConsent = 'ACCORDEE' | 'REFUSEE' | 'EN_ATTENTE';

export interface Recipient {
  readonly operator: string;
  /** The OI's standing setting for this operator when the intervention was declared (E2). */
  readonly standing: StandingConsent;
  /** The operator's own answer for this intervention (M5TX demandeReparation), over the standing setting. */
  readonly answer: boolean | null;
  /** The last test this operator reported on (-1: none yet) and whether its report closed it (testCloture). */
  readonly reportedTest: number;
  readonly closedTest: boolean;
}

/** A customer line an operator reported cut (M5TX clientHSOC), keyed by operator and PTO. */
export interface CutLine {
  readonly operator: string;
  readonly refPTO: string;
  readonly refPBO: string;
  readonly nomModulePM: string;
  readonly positionModulePM: string;
  readonly positionCoupleurOC: string;
  readonly fibre: string;
  readonly tube: string;
  readonly couleurJarretiere: string | null;
  readonly numeroSerieONT: string | null;
  /** The operator's service on that prise (referencePrestationPrise, else the inventory's). */
  readonly serviceId: string | null;
  readonly cutAt: Date;
  readonly restoredAt: Date | null;
  /** Restored by the DO's technician (its report), rather than seen restored by the operator. */
  readonly restoredByDo: boolean;
  readonly reportedInTest: number;
}

export interface Intervention {
  readonly refIntervOI: string;
  readonly doOperator: string;
  readonly refIntervDO: string;
  readonly refPM: string;
  readonly refPMTechnique: string;
  readonly refPBO: string;
  readonly refPTO: string | null;
  readonly nature: string;
  readonly elementReseau: string | null;
  readonly description: string | null;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly state: InterventionState;
  /** 0: the start's (M2); n: the DO's n-th intermediate test; after M3, the end's. */
  readonly test: number;
  readonly testOpenedAt: Date;
  readonly declaredAt: Date;
  readonly closedAt: Date | null;
  readonly recipients: readonly Recipient[];
  readonly lines: readonly CutLine[];
}

/** A message the OI sends: its recipient and role, the contract's operation and its JSON body. */
export interface Outbound {
  readonly to: string;
  readonly role: 'OC' | 'DO';
  readonly operation: string;
  readonly body: Readonly<Record<string, unknown>>;
}

/** An impacted line the OI tests itself on an intermediate test (src/domain/e-intervention-tests.ts). */
export interface LineToTest { readonly operator: string; readonly refPTO: string; readonly serviceId: string }

export type Move = { readonly next: Intervention; readonly messages: readonly Outbound[]; readonly tests?: readonly LineToTest[] } | Refusal;

export const isRefusal = (m: Move | Refusal | object): m is Refusal => 'refused' in m;

/** E2: may the DO's technician repair this operator's lines now? */
export function repairConsent(iv: Intervention, operator: string, now: Date, policy: EInterventionPolicy): RepairConsent {
  const r = iv.recipients.find((x) => x.operator === operator);
  if (!r) return 'REFUSEE';
  if (r.answer !== null) return r.answer ? 'ACCORDEE' : 'REFUSEE';
  if (r.standing === 'TOUJOURS') return 'ACCORDEE';
  if (r.standing === 'JAMAIS') return 'REFUSEE';
  // "Ask each time": no answer within the window is a refusal (the technician cannot wait on site).
  return now.getTime() - iv.declaredAt.getTime() > policy.consentWindowMs ? 'REFUSEE' : 'EN_ATTENTE';
}

/** Operator isolation (A6): the DO and the operators told of it see an intervention; nobody else. */
export function visibleTo(iv: Intervention, operator: string): boolean {
  return iv.doOperator === operator || iv.recipients.some((r) => r.operator === operator);
}

/** Has every operator closed the current test, or has its report window passed? */
export function testAcknowledged(iv: Intervention, now: Date, policy: EInterventionPolicy): boolean {
  if (now.getTime() - iv.testOpenedAt.getTime() > policy.reportWindowMs) return true;
  return iv.recipients.every((r) => r.reportedTest === iv.test && r.closedTest);
}

export interface Declaration {
  readonly doOperator: string;
  readonly refIntervDO: string;
  readonly refPM: string;
  readonly refPMTechnique: string;
  readonly refPBO: string | null;
  readonly refPTO: string | null;
  readonly nature: string;
  readonly elementReseau: string | null;
  readonly description: string | null;
  readonly startedAt: Date;
}

/** What the inventory says of the declaration's place (store), and who else is present at that PM. */
export interface DeclarationFacts {
  readonly pmKnown: boolean;
  readonly pboAtPm: boolean;
  /** Every operator with a service attached at this PM (prise or PM prestation), with the OI's standing consent. */
  readonly present: readonly { readonly operator: string; readonly standing: StandingConsent }[];
}

/** M1: the DO declares the start of its intervention. */
export function declare(d: Declaration, facts: DeclarationFacts, refIntervOI: string, oiCode: string, now: Date): Move {
  // A DO with no service at this PM is answered as for an unknown PM (A6: another's resource is a missing one).
  if (!facts.pmKnown || !facts.present.some((p) => p.operator === d.doOperator)) {
    return refuse('PM_INCONNU', 'pointMutualisation/refPM', `PM ${d.refPM} inconnu`);
  }
  // M2 carries refPBO as mandatory: the OI cannot relay a start that names none.
  if (d.refPBO === null) return refuse('CHAMPS_NON_RENSEIGNE', 'refPBO', 'obligatoire pour relayer le début d’intervention (M2)');
  if (!facts.pboAtPm) return refuse('MAUVAIS_FORMAT', 'refPBO', `PBO ${d.refPBO} inconnu au PM ${d.refPM}`);
  const recipients: Recipient[] = facts.present.filter((p) => p.operator !== d.doOperator)
    .map((p) => ({ operator: p.operator, standing: p.standing, answer: null, reportedTest: -1, closedTest: false }));
  const next: Intervention = {
    refIntervOI, doOperator: d.doOperator, refIntervDO: d.refIntervDO, refPM: d.refPM, refPMTechnique: d.refPMTechnique, refPBO: d.refPBO,
    refPTO: d.refPTO, nature: d.nature, elementReseau: d.elementReseau, description: d.description, startedAt: d.startedAt, endedAt: null,
    state: 'EN_COURS', test: 0, testOpenedAt: now, declaredAt: now, closedAt: null, recipients, lines: []
  };
  const body = {
    codeOI: oiCode, dateDebutIntervention: d.startedAt.toISOString(), message: 'M2', refIntervOI, refPBO: d.refPBO,
    pointMutualisation: { refPM: d.refPM, refPMTechnique: d.refPMTechnique },
    ...(d.elementReseau ? { elementReseau: d.elementReseau } : {}), ...(d.description ? { description: d.description.slice(0, 200) } : {})
  };
  return { next, messages: recipients.map((r) => ({ to: r.operator, role: 'OC' as const, operation: 'creerInterventionOI', body })) };
}

export type CutLineInput = Omit<CutLine, 'operator' | 'serviceId' | 'restoredAt' | 'restoredByDo' | 'reportedInTest'> & { readonly serviceId: string | null };

export interface ImpactReport {
  readonly operator: string;
  readonly codeOcImpacte: string;
  /** null: the current test. */
  readonly numeroTest: number | null;
  readonly testCloture: boolean;
  readonly cut: readonly CutLineInput[];
  readonly restored: readonly { readonly refPTO: string; readonly at: Date }[];
  readonly repairAnswers: readonly { readonly codeDO: string; readonly reparation: boolean }[];
}

/** M5TX: an operator reports the lines it sees cut (and restored); the OI relays them to the DO at once (M6TX). */
export function reportImpacts(iv: Intervention, r: ImpactReport, ctx: {
  readonly now: Date; readonly policy: EInterventionPolicy;
  /** The prises under the intervention's PM among those reported, with the reporter's service on each (null: none). */
  readonly prises: ReadonlyMap<string, string | null>;
  readonly otherOpenAtPm: boolean;
}): Move {
  const me = iv.recipients.find((x) => x.operator === r.operator);
  if (!me) return refuse('REF_INTERV_OI_INCONNUE', 'refIntervOI', `intervention ${iv.refIntervOI} inconnue`);
  if (r.codeOcImpacte !== r.operator) return refuse('MAUVAIS_FORMAT', 'codeOcImpacte', `${r.codeOcImpacte} n'est pas l'opérateur appelant`);
  if (iv.state === 'CLOTUREE') return refuse('DELAI_NON_RESPECTE', 'refIntervOI', `intervention ${iv.refIntervOI} close`);
  const n = r.numeroTest ?? iv.test;
  if (n !== iv.test) return refuse('ERREUR_ITERATION', 'numeroTest', `test en cours : ${iv.test}, reçu : ${n}`);
  if (me.reportedTest === n && me.closedTest) return refuse('ERREUR_ITERATION', 'numeroTest', `test ${n} déjà clôturé par l'opérateur`);
  if (ctx.now.getTime() - iv.testOpenedAt.getTime() > ctx.policy.reportWindowMs) {
    const until = new Date(iv.testOpenedAt.getTime() + ctx.policy.reportWindowMs).toISOString();
    return refuse('DELAI_NON_RESPECTE', 'numeroTest', `réponse au test ${n} attendue avant ${until}`);
  }
  const answer = r.repairAnswers.find((a) => a.codeDO === iv.doOperator);
  if (answer && ctx.now.getTime() - iv.declaredAt.getTime() > ctx.policy.consentWindowMs) {
    const minutes = Math.round(ctx.policy.consentWindowMs / 60000);
    return refuse('DELAI_NON_RESPECTE', 'demandeReparation', `accord de réparation attendu dans les ${minutes} minutes`);
  }
  const lines = new Map(iv.lines.map((l) => [`${l.operator}|${l.refPTO}`, l]));
  for (const [i, c] of r.cut.entries()) {
    if (!ctx.prises.has(c.refPTO)) return refuse('MAUVAIS_FORMAT', `clientHSOC/${i}/refPTO`, `prise ${c.refPTO} inconnue au PM ${iv.refPM}`);
    if (c.cutAt.getTime() < iv.startedAt.getTime()) {
      return refuse('MAUVAIS_FORMAT', `clientHSOC/${i}/dateChangementEtat`, `coupure antérieure au début de l'intervention (${iv.startedAt.toISOString()})`);
    }
    lines.set(`${r.operator}|${c.refPTO}`, {
      ...c, operator: r.operator, serviceId: c.serviceId ?? ctx.prises.get(c.refPTO) ?? null, restoredAt: null, restoredByDo: false, reportedInTest: n
    });
  }
  for (const [i, x] of r.restored.entries()) {
    const l = lines.get(`${r.operator}|${x.refPTO}`);
    if (!l) return refuse('MAUVAIS_FORMAT', `ligneClientRetablie/${i}/refPTO`, `ligne ${x.refPTO} non signalée coupée`);
    lines.set(`${r.operator}|${x.refPTO}`, { ...l, restoredAt: x.at });
  }
  const recipients = iv.recipients.map((x) => (x.operator !== r.operator ? x
    : { ...x, reportedTest: n, closedTest: r.testCloture, answer: answer ? answer.reparation : x.answer }));
  const next: Intervention = { ...iv, recipients, lines: [...lines.values()] };
  const mine = next.lines.filter((l) => l.operator === r.operator);
  const cut = mine.filter((l) => r.cut.some((c) => c.refPTO === l.refPTO));
  const restored = mine.filter((l) => r.restored.some((x) => x.refPTO === l.refPTO));
  if (restored.some((l) => l.serviceId === null)) {
    return refuse('CHAMPS_NON_RENSEIGNE', 'ligneClientRetablie/referencePrestationPrise', 'aucun service connu sur la prise rétablie');
  }
  const body = {
    refIntervOI: iv.refIntervOI, message: 'M6TX', codeOCImpacte: r.operator, numeroTest: n, nombreOC: iv.recipients.length,
    multiInterventionOI: ctx.otherOpenAtPm, reparation: repairConsent(next, r.operator, ctx.now, ctx.policy) === 'ACCORDEE',
    clientHSOC: cut.map(lineBody),
    ligneClientRetablie: restored.map((l) => { const { positionCoupleurOC: _p, couleurJarretiere: _c, ...rest } = lineBody(l); return rest; })
  };
  return { next, messages: [{ to: iv.doOperator, role: 'DO', operation: 'notifierImpacteClientsOIDO', body }] };
}

export function lineBody(l: CutLine): Record<string, string> {
  return {
    dateChangementEtat: (l.restoredAt ?? l.cutAt).toISOString(), fibre: l.fibre, nomModulePM: l.nomModulePM, positionModulePM: l.positionModulePM,
    positionCoupleurOC: l.positionCoupleurOC, refPBO: l.refPBO, refPTO: l.refPTO, tube: l.tube,
    ...(l.couleurJarretiere ? { couleurJarretiere: l.couleurJarretiere } : {}), ...(l.numeroSerieONT ? { numeroSerieONT: l.numeroSerieONT } : {}),
    ...(l.serviceId ? { referencePrestationPrise: l.serviceId } : {})
  };
}

export interface TestRequest { readonly numeroTest: number; readonly natureTest: string; readonly dateTest: Date }

/** M3TX: the DO asks every operator to test again (after a repair); the OI relays it (M4TX). */
export function requestTest(iv: Intervention, t: TestRequest, oiCode: string, now: Date, policy: EInterventionPolicy): Move {
  if (iv.state !== 'EN_COURS') return refuse('INCOHERENCE', 'refIntervOI', `intervention ${iv.refIntervOI} terminée`);
  if (t.numeroTest <= iv.test) return refuse('TEST_PRECEDENT_DEJA_EMIS', 'numeroTest', `test ${t.numeroTest} déjà demandé (dernier : ${iv.test})`);
  if (t.numeroTest > iv.test + 1) return refuse('INCOHERENCE', 'numeroTest', `test attendu : ${iv.test + 1}`);
  if (!testAcknowledged(iv, now, policy)) return refuse('TEST_PRECEDENT_NON_ACQUITTE', 'numeroTest', `test ${iv.test} sans réponse de tous les opérateurs`);
  const next: Intervention = { ...iv, test: t.numeroTest, testOpenedAt: now };
  const body = {
    codeOI: oiCode, refIntervOI: iv.refIntervOI, message: 'M4TX', numeroTest: t.numeroTest, natureTest: t.natureTest, dateTest: t.dateTest.toISOString()
  };
  // The OI tests its own network too: every impacted line still cut whose service it knows (e-intervention-tests.ts).
  const tests = iv.lines.filter((l) => l.restoredAt === null && l.serviceId !== null)
    .map((l) => ({ operator: l.operator, refPTO: l.refPTO, serviceId: l.serviceId! }));
  return { next, tests, messages: iv.recipients.map((r) => ({ to: r.operator, role: 'OC' as const, operation: 'demanderTestIntermediaireInterventionOI', body })) };
}

/** M3: the DO declares the end of its intervention; the OI tells every operator (M4), which opens the end's test. */
export function endIntervention(iv: Intervention, e: { readonly endedAt: Date; readonly refPM: string }, oiCode: string, now: Date,
  policy: EInterventionPolicy): Move {
  if (e.refPM !== iv.refPM) return refuse('PM_INCONNU', 'pointMutualisation/refPM', `PM ${e.refPM} inconnu pour cette intervention`);
  if (iv.state !== 'EN_COURS') return refuse('INCOHERENCE', 'refIntervDO', `intervention ${iv.refIntervOI} déjà terminée`);
  if (e.endedAt.getTime() < iv.startedAt.getTime()) return refuse('MAUVAIS_FORMAT', 'dateFinIntervention', 'antérieure au début de l’intervention');
  // E2: lines the technician was allowed to repair must be checked by an intermediate test before he leaves.
  const unchecked = iv.lines.some((l) => l.restoredAt === null && iv.test === 0 && repairConsent(iv, l.operator, now, policy) === 'ACCORDEE');
  if (unchecked) return refuse('M3TX_NON_DEMANDE', 'numeroTest', 'des lignes réparables sont coupées : un test intermédiaire (M3TX) est attendu');
  const next: Intervention = { ...iv, state: 'TERMINEE', endedAt: e.endedAt, test: iv.test + 1, testOpenedAt: now };
  const body = {
    codeOI: oiCode, refIntervOI: iv.refIntervOI, message: 'M4', dateDebutIntervention: iv.startedAt.toISOString(),
    dateFinIntervention: e.endedAt.toISOString(), dateTestFinFroid: now.toISOString(),
    pointMutualisation: { refPM: iv.refPM, refPMTechnique: iv.refPMTechnique },
    ...(iv.elementReseau ? { elementReseau: iv.elementReseau } : {}), ...(iv.description ? { description: iv.description } : {})
  };
  return { next, messages: iv.recipients.map((r) => ({ to: r.operator, role: 'OC' as const, operation: 'modifierInterventionOI', body })) };
}

export interface ReportLine { readonly refPTO: string | null; readonly repaCodeOC: string | null; readonly fields: Readonly<Record<string, unknown>> }

/** The DO's report after M3; relayed to each operator with that operator's lines only (E3). */
export interface DoReport { readonly impacted: readonly ReportLine[]; readonly restored: readonly ReportLine[] }

export function closeWithReport(iv: Intervention, rep: DoReport, oiCode: string, now: Date): Move {
  if (iv.state === 'EN_COURS') return refuse('INCOHERENCE', 'refIntervDO', 'compte rendu attendu après la fin d’intervention (M3)');
  if (iv.state === 'CLOTUREE') return refuse('INCOHERENCE', 'refIntervDO', 'compte rendu déjà reçu');
  const owner = (l: ReportLine): string | null => l.repaCodeOC ?? iv.lines.find((x) => x.refPTO === l.refPTO)?.operator ?? null;
  const lines = iv.lines.map((l) => (l.restoredAt === null && rep.restored.some((x) => x.refPTO === l.refPTO)
    ? { ...l, restoredAt: now, restoredByDo: true } : l));
  const next: Intervention = { ...iv, state: 'CLOTUREE', closedAt: now, lines };
  return {
    next,
    messages: iv.recipients.map((r) => ({
      to: r.operator, role: 'OC' as const, operation: 'compteRenduInterventionOI',
      body: {
        codeOI: oiCode, refIntervOI: iv.refIntervOI, message: 'CR',
        lignesImpactees: rep.impacted.filter((l) => owner(l) === r.operator).map((l) => l.fields),
        lignesRetablies: rep.restored.filter((l) => owner(l) === r.operator).map((l) => l.fields)
      }
    }))
  };
}
