/**
 * libxml2's well-formedness errors (English) in French, for the XML_MAL_FORME fault (issue 19 item 4: no fault
 * shows libxml2's English). Each message libxml2's parser writes for a kind of error has its translation; an
 * unknown one is named by its libxml2 error code, never quoted.
 */

const TRANSLATIONS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => string]> = [
  [/^Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)/, (m) => `la balise fermante </${m[3]}> ne ferme pas <${m[1]}> (ouverte ligne ${m[2]})`],
  [/^Premature end of data in tag (\S+) line (\d+)/, (m) => `le message s'arrête avant la fermeture de <${m[1]}> (ouverte ligne ${m[2]})`],
  [/^Premature end of data/, () => "le message s'arrête avant la fin du document"],
  [/^EndTag: '<\/' not found/, () => 'une balise fermante manque'],
  [/^Extra content at the end of the document/, () => "du contenu suit l'élément racine (un seul élément racine est permis)"],
  [/^Document is empty|^Start tag expected, '<' not found/, () => 'le message ne contient aucun élément XML'],
  [/^Entity '([^']+)' not defined/, (m) => `l'entité « &${m[1]}; » n'est pas définie (seules &lt; &gt; &amp; &quot; &apos; le sont)`],
  [/^xmlParseEntityRef: no name|^EntityRef: expecting ';'/, () => 'un caractère « & » n’est pas échappé (écrivez &amp;)'],
  [/^StartTag: invalid element name/, () => "un nom d'élément est invalide"],
  [/^Couldn't find end of Start Tag (\S+)/, (m) => `la balise ouvrante <${m[1]}> n'est pas terminée`],
  [/^attributes construct error/, () => 'un attribut est mal formé'],
  [/^AttValue: " or ' expected/, () => "la valeur d'un attribut n'est pas entre guillemets"],
  [/^Specification mandates value for attribute (\S+)/, (m) => `l'attribut « ${m[1]} » n'a pas de valeur`],
  [/^Attribute (\S+) redefined/, (m) => `l'attribut « ${m[1]} » est répété`],
  [/^Unescaped '<' not allowed in attributes values/, () => "un « < » n'est pas échappé dans la valeur d'un attribut (écrivez &lt;)"],
  [/^Namespace prefix (\S+)(?: for (\S+))? on (\S+) is not defined/, (m) => `le préfixe d'espace de noms « ${m[1]} » de <${m[3]}> n'est pas déclaré`],
  [/^Namespace prefix (\S+) is not defined/, (m) => `le préfixe d'espace de noms « ${m[1]} » n'est pas déclaré`],
  [/^xmlns:?(\S*): (?:URI )?(.*) is not (?:absolute|a valid URI)/, () => "l'URI d'un espace de noms est invalide"],
  [/^Input is not proper UTF-8/, () => 'les octets ne sont pas de l’UTF-8 valide (ou ne correspondent pas à l’encodage déclaré)'],
  [/^(?:PCDATA )?invalid Char value (\d+)|^Char 0x([0-9A-Fa-f]+) out of allowed range|^xmlParseCharRef: invalid xmlChar value (\d+)/,
    () => 'le message contient un caractère interdit en XML'],
  [/^Comment not terminated|^Double hyphen within comment|^Comment must not contain '--'/,
    () => 'un commentaire est mal formé (« -- » interdit, « --> » pour finir)'],
  [/^CData section not finished/, () => "une section CDATA n'est pas terminée"],
  [/^Sequence '\]\]>' not allowed in content/, () => "la suite « ]]> » est interdite dans un texte (écrivez ]]&gt;)"],
  [/^XML declaration allowed only at the start of the document/, () => "la déclaration <?xml …?> n'est permise qu'au tout début du message"],
  [/^(?:parsing XML declaration|Blank needed here|String not (?:started|closed)|Unsupported version|Malformed declaration)/,
    () => 'la déclaration <?xml …?> est mal formée'],
  [/^(?:Unsupported encoding|encoding error|Switching encoding)/, () => 'encodage non supporté : utilisez UTF-8'],
  [/^(?:Excessive depth|Huge input lookup|xmlSAX2Characters: huge text node|Memory allocation failed)/, () => 'le document dépasse les limites du service'],
  [/^(?:ParsePI|PI declaration|xmlParsePI)/, () => 'une instruction de traitement (<? … ?>) est mal formée'],
  [/^expected '>'/, () => 'un « > » manque'],
  [/^(?:DOCTYPE|internal error: DOCTYPE|StandAlone)/, () => 'les déclarations DOCTYPE sont refusées']
];

/** A French reason for one libxml2 parser error. */
export function parserReason(message: string | undefined, code?: number): string {
  const text = (message ?? '').replace(/\s*\(Line: \d+, Column: \d+\)\s*$/, '').trim();
  for (const [pattern, translate] of TRANSLATIONS) {
    const m = pattern.exec(text);
    if (m) return translate(m);
  }
  return `erreur de syntaxe XML${code !== undefined ? ` (code libxml2 ${code})` : ''}`;
}
