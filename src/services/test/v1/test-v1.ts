/**
 * Adapter of the "test" service (e-SAV Test), version 1: wire XML ⇄ domain (issue 17, DOMAIN.md S5). Requests were
 * validated against xsd/test/v1/test.xsd before they reach this code. The domain (src/domain/line-tests.ts) scopes
 * every read to the caller (A6) and applies the profile's offers (A5); a launch answers at once (asynchronous).
 */
import type { TestCatalogue, TestDefinition } from '../../../domain/line-test-catalogue.js';
import { consultTest, launchTest, listTests, searchTests, type LineTestRecord, type LineTestStore } from '../../../domain/line-tests.js';
import type { NetworkEvent } from '../../../domain/network-event.js';
import type { OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';
import { element, optionalElement } from '../../../xml/escape.js';

export const NS = 'http://esav.bfc-fibre.fr/test/v1';
const DEFAULT_SEARCH = 50;

export interface TestServiceDeps {
  readonly store: LineTestStore;
  readonly catalogue: TestCatalogue;
  /** The open planned works and incidents impacting the caller's service (S5: given as information). */
  readonly openEvents: (operatorId: string, serviceId: string) => Promise<readonly NetworkEvent[]>;
}

const iso = (d: Date): string => d.toISOString();
const wrap = (name: string, body: string): OperationResult => ({ body: `<${name} xmlns="${NS}">${body}</${name}>` });

const date = (d: Date | null): string | null => (d ? iso(d) : null);

function definitionXml(t: TestDefinition): string {
  const params = t.parameters.map((p) => `<parametre>${[
    element('nom', p.name), element('libelle', p.label), ...p.values.map((v) => element('valeurAutorisee', v)), element('valeurParDefaut', p.default)
  ].join('')}</parametre>`);
  return `<test>${[
    element('codeTest', t.code), element('nature', t.kind), element('libelle', t.label), element('description', t.description),
    // The longest a result may take: every attempt's timeout.
    element('delaiMaximumSecondes', Math.ceil(t.timeoutSeconds * t.maxAttempts)), ...params, optionalElement('actionsParHeure', t.actionsPerHour)
  ].join('')}</test>`;
}

function eventXml(e: NetworkEvent): string {
  return `<evenementReseau>${[
    element('reference', e.reference), element('categorie', e.category), element('etat', e.state), element('typeEquipement', e.equipmentKind),
    element('referenceEquipement', e.equipmentRef), optionalElement('dateDebut', date(e.start)), optionalElement('dateFin', date(e.end)),
    optionalElement('nature', e.nature), optionalElement('commentaire', e.comments)
  ].join('')}</evenementReseau>`;
}

function resultXml(t: LineTestRecord, events: readonly NetworkEvent[]): string {
  const params = Object.entries(t.parameters).map(([n, v]) => `<parametre>${element('nom', n)}${element('valeur', v)}</parametre>`);
  const measures = t.measures.map((m) => `<mesure>${[
    element('nom', m.name), element('valeur', m.value), optionalElement('unite', m.unit), optionalElement('seuil', m.threshold), element('verdict', m.verdict)
  ].join('')}</mesure>`);
  return `<test>${[
    element('referenceTest', t.reference), element('identifiantPrestation', t.serviceId), element('codeTest', t.testCode), element('nature', t.kind),
    element('etat', t.state), element('dateLancement', iso(t.launchedAt)), optionalElement('dateFin', date(t.finishedAt)), ...params, ...measures,
    optionalElement('diagnostic', t.diagnosis), optionalElement('motifEchec', t.failureReason), ...events.map(eventXml)
  ].join('')}</test>`;
}

function summaryXml(t: LineTestRecord): string {
  return `<test>${[
    element('referenceTest', t.reference), element('codeTest', t.testCode), element('nature', t.kind), element('etat', t.state),
    element('dateLancement', iso(t.launchedAt)), optionalElement('dateFin', date(t.finishedAt)), optionalElement('diagnostic', t.diagnosis)
  ].join('')}</test>`;
}

const serviceIdOf = (r: XmlTreeElement): string => childText(r, 'identifiantPrestation') ?? '';

export function testV1(deps: TestServiceDeps): ServiceAdapter {
  return {
    service: 'test',
    version: 1,
    operations: {
      async listeTests(request, ctx) {
        const { line, tests, prerequisite } = await listTests(deps.store, deps.catalogue, ctx.caller, serviceIdOf(request), ctx.now);
        const pre = prerequisite
          ? `<testPrealableAuDepot>${prerequisite.tests.map((c) => element('codeTest', c)).join('')}${element('delaiHeures', prerequisite.delayHours)}</testPrealableAuDepot>`
          : '';
        return wrap('ListeTestsReponse', [element('identifiantPrestation', line.serviceId), element('offre', line.offerCode), ...tests.map(definitionXml), pre].join(''));
      },
      async lancementTest(request, ctx) {
        const parameters = new Map<string, string>();
        for (const p of request.children.filter((c) => c.name === 'parametre')) parameters.set(childText(p, 'nom') ?? '', childText(p, 'valeur') ?? '');
        const launch = { serviceId: serviceIdOf(request), testCode: childText(request, 'codeTest') ?? '', parameters };
        const reference = await launchTest(deps.store, deps.catalogue, ctx.caller, launch, ctx.now);
        return wrap('LancementTestReponse', `${element('referenceTest', reference)}${element('etat', 'EN_COURS')}${element('dateLancement', iso(ctx.now))}`);
      },
      async consultationTest(request, ctx) {
        const t = await consultTest(deps.store, ctx.caller, childText(request, 'referenceTest') ?? '', ctx.now);
        const events = (await deps.openEvents(ctx.caller.operator.id, t.serviceId)).filter((e) => e.closedAt === null);
        return wrap('ConsultationTestReponse', resultXml(t, events));
      },
      async rechercheTests(request, ctx) {
        const max = Number(childText(request, 'nombreMaximum') ?? DEFAULT_SEARCH);
        const { rows, total } = await searchTests(deps.store, ctx.caller, serviceIdOf(request), max, ctx.now);
        return wrap('RechercheTestsReponse', [...rows.map(summaryXml), element('nombreTotal', total), element('resultatTronque', String(total > rows.length))].join(''));
      }
    }
  };
}
