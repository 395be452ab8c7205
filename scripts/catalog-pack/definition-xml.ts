/**
 * formulaire.xml: the form definition (definition.json) rendered as XML for operators whose tools read XML, not JSON
 * (DOMAIN.md D1 "the XML forms"). The format is documented in the file's own leading comment, in French, so the
 * file explains itself when found alone.
 */
import { escapeAttribute as attr, escapeText as text } from '../../src/xml/escape.js';
import type { CrossFieldRule, FieldDefinition } from '../../src/catalog/catalog-types.js';
import type { PackVersion } from './pack-model.js';

const FORMAT_NOTE = `
  Formulaire e-SAV : rendu XML de la définition d'une version de formulaire (pack catalogue).
  <formulaire id offre version titre annonce production accepteJusquau?>
    <document elementRacine espaceDeNoms xsd/>   l'élément XML à déposer, son espace de noms et son schéma
    <champs>
      <champ chemin type obligatoire listeDeCodes? longueurMax?>
        chemin        chemin de l'élément depuis l'élément racine, "/" entre les niveaux
        type          text | code | date | dateTime | integer | boolean | phone | email
        obligatoire   true | false
        listeDeCodes  "<liste>/v<N>" pour un champ codé : voir ../listes-de-codes/<liste>-v<N>.xml
        <libelle>     le libellé français du champ ; <aide> le texte d'aide, s'il y en a un
    <regles>
      <regle id>      une règle entre champs que le XSD ne peut pas exprimer :
        <si champ>    quand ce champ a l'une de ces <valeur>s,
        <exige champ/>  ces champs deviennent obligatoires ;
        <message>     le message renvoyé quand la règle n'est pas respectée.
  accepteJusquau : dernier jour où la version est acceptée (période de coexistence d'un mois, règle V2).
`;

function field(f: FieldDefinition): string {
  const attrs = [`chemin="${attr(f.path)}"`, `type="${attr(f.type)}"`, `obligatoire="${f.mandatory}"`];
  if (f.codeList) attrs.push(`listeDeCodes="${attr(f.codeList)}"`);
  if (f.maxLength !== undefined) attrs.push(`longueurMax="${f.maxLength}"`);
  const children = [`      <libelle>${text(f.label)}</libelle>`];
  if (f.help) children.push(`      <aide>${text(f.help)}</aide>`);
  return [`    <champ ${attrs.join(' ')}>`, ...children, '    </champ>'].join('\n');
}

function rule(r: CrossFieldRule): string {
  return [
    `    <regle id="${attr(r.id)}">`,
    `      <si champ="${attr(r.when.field)}">${r.when.in.map((v) => `<valeur>${text(v)}</valeur>`).join('')}</si>`,
    ...r.require.map((p) => `      <exige champ="${attr(p)}"/>`),
    `      <message>${text(r.message)}</message>`,
    '    </regle>'
  ].join('\n');
}

/** @param lastAcceptedDay the last day the version is accepted, when a newer version is planned */
export function definitionXml(v: PackVersion, lastAcceptedDay: string | null): string {
  const { fv } = v;
  const d = fv.definition;
  const head = [
    `id="${attr(fv.form)}"`, `offre="${attr(v.contract.offer)}"`, `version="${fv.version}"`, `titre="${attr(v.contract.title)}"`,
    `annonce="${attr(fv.announced)}"`, `production="${attr(fv.production)}"`,
    ...(lastAcceptedDay ? [`accepteJusquau="${attr(lastAcceptedDay)}"`] : [])
  ];
  const xsdName = v.files.xsd.slice(v.files.folder.length + 1);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    // "--" may not appear inside an XML comment; the note is ours and has none, the guard keeps it that way.
    `<!--${FORMAT_NOTE.replace(/--/g, '- -')}-->`,
    `<formulaire ${head.join(' ')}>`,
    `  <document elementRacine="${attr(d.rootElement)}" espaceDeNoms="${attr(d.namespace)}" xsd="${attr(xsdName)}"/>`,
    d.fields.length > 0 ? ['  <champs>', ...d.fields.map(field), '  </champs>'].join('\n') : '  <champs/>',
    d.rules.length > 0 ? ['  <regles>', ...d.rules.map(rule), '  </regles>'].join('\n') : '  <regles/>',
    '</formulaire>',
    ''
  ].join('\n');
}
