/**
 * Every answer validates against its own version's schema (issue 19 item 4), on a randomised lifecycle across the
 * two live signalisation versions: tickets filed in v1 or v2, moved by the OI (legal moves and illegal ones),
 * answered by the operator through either version (complements, closure answers with and without a reason, v2
 * cancellations), and after every step read through both versions (state, detail, search). Each answer's header
 * blocks and payload (or its fault's DetailErreur) are validated with libxml2 against the XSDs of the version that
 * answered; no answer is a Server fault. The seed is printed on failure (ESAV_LIFECYCLE_SEED replays one).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { findRootDir } from '../../src/config/config.js';
import { fixedClock } from '../../src/domain/clock.js';
import type { FreezeReason, TicketEvent } from '../../src/domain/ticket-lifecycle.js';
import { oiEvent } from '../../src/domain/ticket-service.js';
import { isEsavError } from '../../src/errors/esav-error.js';
import { run } from '../../src/store/database.js';
import { createTicketStore } from '../../src/store/ticket-store.js';
import { libxml, type XmlDocument, type XmlElement } from '../../src/xml/libxml.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { call, textOf, type RawResponse } from '../support/soap-client.js';
import { byReference, envelope, filing, formExample, SIG } from '../support/tickets.js';
import { seededRandom } from '../support/seeded-random.js';

const ROOT = findRootDir();
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const COMMUN = 'http://esav.bfc-fibre.fr/commun/v1';
const STEPS = 100;

/** One schema per signalisation version: its message XSD, the common types, and every form XSD it imports. */
function versionSchema(version: 1 | 2): XmlDocument {
  const xsd = path.join(ROOT, 'xsd', 'signalisation', `v${version}`, version === 1 ? 'signalisation.xsd' : 'signalisation-v2.xsd');
  const common = path.join(ROOT, 'xsd', 'common', 'esav-commun.xsd');
  const text = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:esav:test:wrapper">
    <xs:import namespace="${SIG(version)}" schemaLocation="file://${xsd}"/>
    <xs:import namespace="${COMMUN}" schemaLocation="file://${common}"/>
  </xs:schema>`;
  return libxml.parseXml(text, { baseUrl: `${ROOT}/` });
}

function elements(el: XmlElement): XmlElement[] {
  return el.childNodes().filter((n): n is XmlElement => n.type() === 'element');
}

/** The documents of an answer its version's schema must accept: the header blocks, the payload or DetailErreur. */
function answerDocuments(body: string): XmlElement[] {
  const doc = libxml.parseXml(body);
  const env = doc.root()!;
  expect(env.namespace()?.href()).to.equal(SOAP11);
  const header = elements(env).find((e) => e.name() === 'Header');
  const payload = elements(elements(env).find((e) => e.name() === 'Body')!)[0]!;
  const out = header ? elements(header) : [];
  if (payload.name() === 'Fault') {
    const detail = payload.get('detail') as XmlElement | null;
    const d = detail ? elements(detail)[0] : undefined;
    expect(d?.name(), 'a fault carries DetailErreur').to.equal('DetailErreur');
    out.push(d!);
  } else {
    out.push(payload);
  }
  return out;
}

describe('every answer of a randomised cross-version lifecycle validates against its version’s schema', () => {
  let gw: TestGateway;
  const clock = fixedClock('2026-11-24T08:00:00Z');
  const schemas = { 1: versionSchema(1), 2: versionSchema(2) } as const;
  const forms = {
    'FTTH-21-0000001': formExample('ftth', 2, 'valid-minimal.xml'),
    'FTTE-21-0000101': formExample('ftte', 1, 'valid-minimal.xml')
  } as const;
  const seed = Number(process.env.ESAV_LIFECYCLE_SEED ?? 0) || 20261202;
  const next = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const tickets: string[] = [];
  const checked = { answers: 0, faults: 0, states: new Set<string>() };

  before(async () => {
    gw = await startGateway({ clock });
    await run(gw.pool, { text: 'UPDATE client_certificate SET not_before = LEAST(not_before, $1)', values: [clock.now()] });
  });
  after(async () => { await gw.close(); });

  async function post(version: 1 | 2, body: string, what: string): Promise<RawResponse> {
    const res = await call(gw.url, { path: `/esav/signalisation/v${version}`, body, client: gw.pki.opa, ca: gw.pki.ca });
    const label = `seed ${seed}, v${version} ${what}`;
    expect([200, 500], `${label}: ${res.body}`).to.include(res.status);
    expect(res.body, `${label}: no Server fault`).to.not.contain('<faultcode>soap:Server</faultcode>');
    for (const doc of answerDocuments(res.body)) {
      const standalone = libxml.parseXml(doc.toString());
      const valid = standalone.validate(schemas[version]);
      expect(valid, `${label}: ${doc.name()} against v${version}'s schema: ${standalone.validationErrors.map((e) => e.message.trim()).join('; ')}\n${res.body}`).to.equal(true);
    }
    checked.answers++;
    if (res.status === 500) checked.faults++;
    const state = textOf(res.body, 'etat');
    if (state) checked.states.add(`v${version}:${state}`);
    return res;
  }

  async function readThroughBoth(reference: string): Promise<void> {
    for (const v of [1, 2] as const) {
      const state = await post(v, byReference(v, 'ConsultationEtatRequete', reference), `consultationEtat ${reference}`);
      if (v === 2 && state.status === 200) known.set(reference, textOf(state.body, 'etat') ?? '');
      await post(v, byReference(v, 'ConsultationDetailRequete', reference), `consultationDetail ${reference}`);
      await post(v, envelope(`<s:RechercheSignalisationsRequete xmlns:s="${SIG(v)}"/>`), 'rechercheSignalisations');
    }
  }

  const OI_MOVES: ReadonlyArray<{ event: TicketEvent; reason?: string; freezeReason?: FreezeReason }> = [
    { event: 'accept' }, { event: 'start' }, { event: 'reject', reason: 'Prestation hors périmètre' },
    { event: 'freeze', reason: 'Code du portail ?', freezeReason: 'INFORMATION_COMPLEMENTAIRE' },
    { event: 'freeze', reason: 'Rendez-vous à prendre', freezeReason: 'RENDEZ_VOUS' },
    { event: 'unfreeze' }, { event: 'close', reason: 'Fibre ré-épissurée' }, { event: 'notify-closure' }
  ];

  type OperatorAsk = 'complement' | 'answer-freeze' | 'accept-closure' | 'refuse-closure' | 'refuse-without-reason' | 'cancel';
  type Action = { oi: (typeof OI_MOVES)[number] } | { ask: OperatorAsk };
  const oi = (event: TicketEvent): Action => ({ oi: OI_MOVES.find((m) => m.event === event)! });
  /** Mostly what moves a ticket on from its state, so that the walk reaches every state; sometimes anything. */
  const LIKELY: Readonly<Record<string, readonly Action[]>> = {
    EN_DEPOT: [oi('accept'), oi('accept'), oi('accept'), oi('accept'), oi('reject'), { ask: 'cancel' }],
    EN_QUALIFICATION: [oi('start'), oi('start'), oi('start'), oi('start'), { ask: 'cancel' }],
    EN_COURS: [{ oi: OI_MOVES[3]! }, { oi: OI_MOVES[4]! }, oi('close'), oi('close'), { ask: 'complement' }],
    GELE: [{ ask: 'answer-freeze' }, { ask: 'answer-freeze' }, oi('unfreeze')],
    CLOS: [oi('notify-closure'), oi('notify-closure'), { ask: 'accept-closure' }, { ask: 'refuse-closure' }],
    VALIDE: [{ ask: 'accept-closure' }, { ask: 'refuse-closure' }, { ask: 'refuse-without-reason' }]
  };
  const ANY: readonly Action[] = [...OI_MOVES.map((m) => ({ oi: m })),
    ...(['complement', 'accept-closure', 'refuse-closure', 'refuse-without-reason', 'cancel'] as const).map((ask) => ({ ask }))];
  const known = new Map<string, string>();

  async function act(reference: string, action: Action, version: 1 | 2, step: number): Promise<void> {
    if ('oi' in action) {
      const move = action.oi;
      try {
        await oiEvent(createTicketStore(gw.pool), reference, move.event, 'agent.sav', clock.now(), { reason: move.reason ?? null, freezeReason: move.freezeReason ?? null, freezeDetail: move.event === 'freeze' ? move.reason ?? null : null });
      } catch (e) {
        // An illegal move is refused by the lifecycle (the point is to reach every state, not to move legally).
        if (!isEsavError(e) || e.code !== 'ESAV_TICKET_TRANSITION') throw e;
      }
      return;
    }
    const ask = action.ask;
    const v = ask === 'cancel' ? 2 : version;
    const body = {
      complement: byReference(v, 'AjoutComplementRequete', reference, `<s:texte>Précision ${step}</s:texte>`),
      'answer-freeze': byReference(v, 'AjoutComplementRequete', reference, `<s:texte>Code portail ${step}</s:texte><s:reponseAuGel>true</s:reponseAuGel>`),
      'accept-closure': byReference(v, 'ReponseClotureRequete', reference, '<s:decision>ACCEPTEE</s:decision>'),
      'refuse-closure': byReference(v, 'ReponseClotureRequete', reference, '<s:decision>REFUSEE</s:decision><s:motif>Toujours en panne</s:motif>'),
      'refuse-without-reason': byReference(v, 'ReponseClotureRequete', reference, '<s:decision>REFUSEE</s:decision>'),
      cancel: byReference(2, 'AnnulationSignalisationRequete', reference, '<s:motif>Plus nécessaire</s:motif>')
    }[ask];
    const res = await post(v, body, `${ask} ${reference}`);
    if (ask === 'refuse-without-reason') {
      // A missing reason is the request's fault, whatever the ticket's state (not TRANSITION_INTERDITE).
      expect(textOf(res.body, 'code')).to.equal('CHAMP_OBLIGATOIRE');
      expect(textOf(res.body, 'champ')).to.equal('motif');
    }
  }

  it(`keeps every answer of ${STEPS} random steps valid in v1 and v2 (v1 never shows a v2-only state)`, async function () {
    this.timeout(240_000);
    for (let step = 0; step < STEPS; step++) {
      clock.advance(Math.floor(next() * 90 + 1) * 60_000);
      const version = pick([1, 2] as const);
      if (tickets.length === 0 || next() < 0.08) {
        const service = pick(Object.keys(forms) as (keyof typeof forms)[]);
        const res = await post(version, filing(version, service, `OPA-RND-${seed}-${step}`, forms[service]), `depotSignalisation ${service}`);
        const reference = textOf(res.body, 'referenceSignalisation');
        if (reference) tickets.push(reference);
        continue;
      }
      const reference = pick(tickets);
      const likely = LIKELY[known.get(reference) ?? ''];
      await act(reference, likely && next() < 0.9 ? pick(likely) : pick(ANY), version, step);
      await readThroughBoth(reference);
    }
    // The walk must have gone somewhere: most states seen in each version, faults among the answers.
    if (process.env.ESAV_LIFECYCLE_SEED) console.log([...checked.states].sort().join(" "), checked);
    expect(checked.answers).to.be.greaterThan(STEPS * 3);
    expect(checked.faults).to.be.greaterThan(0);
    expect([...checked.states].filter((s) => s.startsWith('v1:')).length, [...checked.states].join(' ')).to.be.greaterThan(5);
    expect([...checked.states].filter((s) => s.startsWith('v2:')).length, [...checked.states].join(' ')).to.be.greaterThan(6);
    expect([...checked.states]).to.not.include('v1:ANNULE');
  });

  it('answers a reason-less refusal with a fault its schema accepts, naming motif, in both versions', async () => {
    for (const v of [1, 2] as const) {
      const res = await post(v, byReference(v, 'ReponseClotureRequete', tickets[0] ?? 'SIG-2026-0000001', '<s:decision>REFUSEE</s:decision><s:motif>   </s:motif>'), 'blank motif');
      expect(res.status).to.equal(500);
      expect(textOf(res.body, 'code')).to.equal('CHAMP_OBLIGATOIRE');
      expect(textOf(res.body, 'champ')).to.equal('motif');
      expect(textOf(res.body, 'regle')).to.equal('obligatoire-si:decision-refusee');
    }
  });
});

// Read once so that a missing XSD fails at load, with its path.
for (const f of ['xsd/signalisation/v1/signalisation.xsd', 'xsd/signalisation/v2/signalisation-v2.xsd']) readFileSync(path.join(ROOT, f));
