/**
 * Adapter of the "catalogue" service, version 1 (DOMAIN.md S1, V2, D1): wire XML ⇄ the form catalogue loaded at
 * boot. Versions announced or in service are shown; retired ones are not (a filing with them is refused).
 */
import type { Catalog, FormContract, FormVersion } from '../../../catalog/catalog-types.js';
import { catalogueVersionState } from '../../../domain/form-version-policy.js';
import { EsavError } from '../../../errors/esav-error.js';
import type { OperationContext, OperationResult, ServiceAdapter } from '../../../soap/types.js';
import { element, escapeText, optionalElement } from '../../../xml/escape.js';
import { childText, type XmlTreeElement } from '../../../xml/element-tree.js';

export const NS = 'http://esav.bfc-fibre.fr/catalogue/v1';

type Shown = { fv: FormVersion; state: 'ANNONCEE' | 'EN_SERVICE'; acceptedUntil: string | null };

function shownVersions(form: FormContract, now: Date): Shown[] {
  return form.versions.flatMap((fv): Shown[] => {
    const s = catalogueVersionState(form.versions, fv, now);
    if (s.state === 'retired') return [];
    return [{ fv, state: s.state === 'announced' ? 'ANNONCEE' : 'EN_SERVICE', acceptedUntil: s.state === 'live' ? s.acceptedUntil : null }];
  });
}

function versionXml(s: Shown): string {
  return `<version>${element('numero', s.fv.version)}${element('espaceDeNoms', s.fv.definition.namespace)}${element('etat', s.state)}${element('dateAnnonce', s.fv.announced)}${element('dateMiseEnProduction', s.fv.production)}${optionalElement('accepteJusquAu', s.acceptedUntil)}</version>`;
}

function detailXml(catalog: Catalog, form: FormContract, s: Shown): string {
  const d = s.fv.definition;
  const fields = d.fields.map((f) => `<champ>${element('chemin', f.path)}${element('libelle', f.label)}${element('type', f.type)}${element('obligatoire', String(f.mandatory))}${optionalElement('listeDeCodes', f.codeList)}${optionalElement('longueurMax', f.maxLength)}${optionalElement('aide', f.help)}</champ>`).join('');
  const rules = d.rules.map((r) => `<regle>${element('identifiant', r.id)}${element('siChamp', r.when.field)}${r.when.in.map((v) => element('valeur', v)).join('')}${r.require.map((p) => element('champObligatoire', p)).join('')}${element('message', r.message)}</regle>`).join('');
  const listIds = [...new Set(d.fields.flatMap((f) => (f.codeList ? [f.codeList] : [])))];
  const lists = listIds.map((id) => {
    const l = catalog.codeLists.get(id)!;
    return `<listeDeCodes>${element('identifiant', l.id)}${element('version', l.version)}${element('titre', l.title)}${l.codes.map((c) => `<code>${element('code', c.code)}${element('libelle', c.label)}${optionalElement('description', c.description)}</code>`).join('')}</listeDeCodes>`;
  }).join('');
  return `<formulaire>${element('identifiant', form.id)}${element('offre', form.offer)}${element('titre', form.title)}${versionXml(s)}${element('elementRacine', d.rootElement)}${fields}${rules}${lists}<xsd>${escapeText(s.fv.xsdText)}</xsd></formulaire>`;
}

export function catalogueV1(catalog: Catalog): ServiceAdapter {
  return {
    service: 'catalogue',
    version: 1,
    operations: {
      async listeFormulaires(request: XmlTreeElement, ctx: OperationContext): Promise<OperationResult> {
        const offer = childText(request, 'offre');
        const forms = [...catalog.forms.values()].filter((f) => offer === null || f.offer === offer).map((f) => {
          const versions = shownVersions(f, ctx.now);
          return versions.length === 0 ? '' : `<formulaire>${element('identifiant', f.id)}${element('offre', f.offer)}${element('titre', f.title)}${versions.map(versionXml).join('')}</formulaire>`;
        }).join('');
        return { body: `<ListeFormulairesReponse xmlns="${NS}">${forms}</ListeFormulairesReponse>` };
      },
      async consultationFormulaire(request: XmlTreeElement, ctx: OperationContext): Promise<OperationResult> {
        const id = childText(request, 'identifiant') ?? '';
        const version = Number(childText(request, 'version'));
        const form = catalog.forms.get(id);
        const shown = form ? shownVersions(form, ctx.now).find((s) => s.fv.version === version) : undefined;
        if (!form || !shown) throw new EsavError('ESAV_RESOURCE_NOT_FOUND', { params: { resource: 'formulaire', id: `${id} v${version}` } });
        return { body: `<ConsultationFormulaireReponse xmlns="${NS}">${detailXml(catalog, form, shown)}</ConsultationFormulaireReponse>` };
      }
    }
  };
}
