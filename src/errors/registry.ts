/**
 * The error registry (ARCHITECTURE.md §4), in the manner of fastify's lib/errors.js.
 * Each entry: a stable internal code, the wire code operators see in DetailErreur/code, the fault role,
 * the HTTP status and a French message template ({name} placeholders). A retired code is never reused:
 * mark it retired here instead of deleting it. docs/faults.md is generated from this table
 * (`npm run docs:faults`) and a test keeps them in step.
 */
export type FaultRole = 'Client' | 'Server';

export interface ErrorDefinition {
  readonly wireCode: string;
  readonly role: FaultRole;
  /** HTTP status for SOAP 1.2; SOAP 1.1 faults always go out with 500 (WS-I BP R1126). */
  readonly httpStatus: number;
  readonly message: string;
  /** Which pipeline phase raises it, for the documentation. */
  readonly phase: string;
  /** Special SOAP fault codes; default is Client/Sender or Server/Receiver from the role. */
  readonly soapCode?: 'VersionMismatch' | 'MustUnderstand';
  /** Transport errors answered with their own HTTP status even for SOAP 1.1 (405, 413, 415). */
  readonly transport?: boolean;
  /** A retired code stays here, never reused (nor its wire code); nothing can raise it any more. */
  readonly retired?: Retirement;
}

export interface Retirement {
  /** YYYY-MM-DD */
  readonly on: string;
  readonly reason: string;
}

// `const` keeps each message as its literal type: esav-error.ts derives the parameters of each code from it.
function def<const D extends ErrorDefinition>(d: D): Readonly<D> {
  return Object.freeze(d);
}

export const errorRegistry = Object.freeze({
  ESAV_METHOD_NOT_ALLOWED: def({
    wireCode: 'METHODE_NON_AUTORISEE', role: 'Client', httpStatus: 405, phase: 'receive', transport: true,
    message: "La méthode HTTP {method} n'est pas acceptée à cette adresse : {allowed}."
  }),
  ESAV_UNSUPPORTED_MEDIA_TYPE: def({
    wireCode: 'TYPE_CONTENU_NON_SUPPORTE', role: 'Client', httpStatus: 415, phase: 'receive', transport: true,
    message: "Le type de contenu « {contentType} » n'est pas accepté : text/xml (SOAP 1.1) ou application/soap+xml (SOAP 1.2)."
  }),
  ESAV_BODY_TOO_LARGE: def({
    wireCode: 'REQUETE_TROP_VOLUMINEUSE', role: 'Client', httpStatus: 413, phase: 'receive', transport: true,
    message: 'La requête dépasse la taille maximale de {limit} octets.'
  }),
  ESAV_REQUEST_TIMEOUT: def({
    wireCode: 'DELAI_REQUETE_DEPASSE', role: 'Client', httpStatus: 408, phase: 'receive', transport: true,
    message: "La requête n'a pas été reçue entièrement dans le délai de {seconds} secondes : la connexion est fermée."
  }),
  ESAV_HEADERS_TOO_LARGE: def({
    wireCode: 'ENTETES_TROP_VOLUMINEUSES', role: 'Client', httpStatus: 431, phase: 'receive', transport: true,
    message: 'Les entêtes HTTP de la requête dépassent la taille maximale acceptée.'
  }),
  ESAV_NOT_FOUND_ENDPOINT: def({
    wireCode: 'SERVICE_INCONNU', role: 'Client', httpStatus: 404, phase: 'receive', transport: true,
    message: "Aucun web service n'est publié à l'adresse {path}. Les services publiés : {services}."
  }),
  ESAV_XML_MALFORMED: def({
    wireCode: 'XML_MAL_FORME', role: 'Client', httpStatus: 400, phase: 'parse',
    message: "Le message n'est pas un XML bien formé (ligne {line}, colonne {column}) : {reason}."
  }),
  ESAV_XML_DOCTYPE: def({
    wireCode: 'XML_DTD_INTERDITE', role: 'Client', httpStatus: 400, phase: 'parse',
    message: "Le message contient une déclaration DOCTYPE ou ENTITY : elles sont refusées (aucune entité n'est résolue)."
  }),
  ESAV_XML_LIMIT: def({
    wireCode: 'XML_LIMITE_DEPASSEE', role: 'Client', httpStatus: 400, phase: 'parse',
    message: 'Le message dépasse la limite « {limit} » ({max}) à la ligne {line}.'
  }),
  ESAV_SOAP_VERSION_MISMATCH: def({
    wireCode: 'VERSION_SOAP_INCORRECTE', role: 'Client', httpStatus: 500, phase: 'envelope', soapCode: 'VersionMismatch',
    message: "L'élément racine {element} n'est pas une enveloppe SOAP 1.1 ni SOAP 1.2 cohérente avec le type de contenu {contentType}."
  }),
  ESAV_SOAP_ENVELOPE: def({
    wireCode: 'ENVELOPPE_SOAP_INVALIDE', role: 'Client', httpStatus: 400, phase: 'envelope',
    message: "L'enveloppe SOAP est invalide : {reason}."
  }),
  ESAV_SOAP_MUST_UNDERSTAND: def({
    wireCode: 'ENTETE_NON_COMPRISE', role: 'Client', httpStatus: 500, phase: 'envelope', soapCode: 'MustUnderstand',
    message: "L'entête SOAP {header} est marquée mustUnderstand mais ce service ne la traite pas."
  }),
  ESAV_UNKNOWN_OPERATION: def({
    wireCode: 'OPERATION_INCONNUE', role: 'Client', httpStatus: 400, phase: 'dispatch',
    message: "L'élément {element} n'est pas une opération du service {service} v{version}. Opérations : {operations}."
  }),
  ESAV_SOAPACTION_MISMATCH: def({
    wireCode: 'SOAPACTION_INCOHERENTE', role: 'Client', httpStatus: 400, phase: 'dispatch',
    message: "La SOAPAction « {soapAction} » ne correspond pas à l'opération {operation} du corps du message (attendue : « {expected} »)."
  }),
  ESAV_VERSION_UNAVAILABLE: def({
    wireCode: 'VERSION_INDISPONIBLE', role: 'Client', httpStatus: 400, phase: 'dispatch',
    message: "La version v{version} du service {service} {state}. Versions en service : {live}."
  }),
  ESAV_AUTHENTICATION_FAILED: def({
    wireCode: 'AUTHENTIFICATION_REFUSEE', role: 'Client', httpStatus: 400, phase: 'authenticate',
    message: "Le certificat client présenté ne donne accès à aucun service e-SAV. Contactez le Correspondant e-SAV de l'OI."
  }),
  ESAV_OPERATOR_INACTIVE: def({
    wireCode: 'OPERATEUR_INACTIF', role: 'Client', httpStatus: 400, phase: 'authenticate',
    message: "Le service e-SAV de l'opérateur {operator} {state}. Contactez le Correspondant e-SAV de l'OI."
  }),
  // A1, O1: the access modes are the order form's; online only (the portal) opens no web service.
  ESAV_INTEGRATED_ACCESS_NOT_SUBSCRIBED: def({
    wireCode: 'ACCES_INTEGRE_NON_SOUSCRIT', role: 'Client', httpStatus: 403, phase: 'authenticate',
    message: "Le bon de commande de l'opérateur {operator} ne demande que l'accès en ligne (e-SAV en ligne) : les web services (accès intégré) ne lui sont pas ouverts (conditions spécifiques e-SAV, articles 5 et 7). Pour les utiliser, demandez l'accès intégré à votre Correspondant e-SAV."
  }),
  ESAV_GO_LIVE_REQUIRED: def({
    wireCode: 'INTEGRATION_NON_VALIDEE', role: 'Client', httpStatus: 403, phase: 'authorize',
    message: "L'opérateur {operator} n'a pas encore de validation de la plateforme d'intégration : l'usage des web services en production suppose une période de test (conditions spécifiques e-SAV, article 5.2.1). Réussissez au moins un appel d'un web service depuis les URL d'intégration, puis demandez à votre Correspondant e-SAV la validation de mise en production (guide d'intégration, « Mise en production »). Le WSDL reste consultable."
  }),
  ESAV_RESOURCE_NOT_FOUND: def({
    wireCode: 'RESSOURCE_INCONNUE', role: 'Client', httpStatus: 400, phase: 'authorize',
    message: 'Aucune ressource {resource} « {id} » accessible à votre opérateur.'
  }),
  ESAV_SCHEMA_INVALID: def({
    wireCode: 'MESSAGE_NON_CONFORME', role: 'Client', httpStatus: 400, phase: 'validate',
    message: 'Le message ne respecte pas le schéma du service {service} v{version} : {count} erreur(s), détaillées dans champEnErreur.'
  }),
  // A field the request's own other fields make mandatory (reponseCloture REFUSEE needs its motif): a validation
  // fault naming the field, raised before the ticket is read, like a schema error (issue 19 item 4).
  ESAV_FIELD_REQUIRED: def({
    wireCode: 'CHAMP_OBLIGATOIRE', role: 'Client', httpStatus: 400, phase: 'validate',
    message: 'La demande est incomplète : {count} champ(s) obligatoire(s) dans ce cas manque(nt), détaillé(s) dans champEnErreur.'
  }),
  ESAV_FORM_UNKNOWN: def({
    wireCode: 'FORMULAIRE_INCONNU', role: 'Client', httpStatus: 400, phase: 'validate',
    message: "L'élément {element} n'est pas un formulaire du catalogue. Formulaires en service : {forms}."
  }),
  ESAV_FORM_NOT_YET_LIVE: def({
    wireCode: 'FORMULAIRE_PAS_EN_SERVICE', role: 'Client', httpStatus: 400, phase: 'validate',
    message: "La version v{version} du formulaire {form} n'est acceptée qu'à partir du {production}. Version à utiliser : v{use} ({namespace})."
  }),
  ESAV_FORM_RETIRED: def({
    wireCode: 'FORMULAIRE_RETIRE', role: 'Client', httpStatus: 400, phase: 'validate',
    message: "La version v{version} du formulaire {form} n'est plus acceptée depuis le {since}. Version à utiliser : v{use} ({namespace})."
  }),
  ESAV_FORM_INVALID: def({
    wireCode: 'FORMULAIRE_NON_CONFORME', role: 'Client', httpStatus: 400, phase: 'validate',
    message: 'Le formulaire {form} v{version} comporte {count} erreur(s), détaillées dans champEnErreur.'
  }),
  // L2: a limit the OI announced the day before. A Client fault: the caller's own rate, not our failure; 429 and
  // Retry-After (RFC 6585 §4) for SOAP 1.2, the 1.1 fault keeps 500 (WS-I) but carries Retry-After too.
  ESAV_LOAD_LIMIT_EXCEEDED: def({
    wireCode: 'LIMITE_DEPASSEE', role: 'Client', httpStatus: 429, phase: 'admit',
    message: "Votre opérateur est limité à {limit} requêtes par minute ({scope}) : la limite est atteinte pour la minute du {window} (heure de Paris). Réessayez dans {retryAfter} secondes."
  }),
  ESAV_OPERATOR_SHARE_EXCEEDED: def({
    wireCode: 'CAPACITE_OPERATEUR_ATTEINTE', role: 'Client', httpStatus: 429, phase: 'admit',
    message: 'Votre opérateur a déjà {inFlight} requêtes en cours sur cette instance ({limit}) : réessayez dans {retryAfter} secondes.'
  }),
  // An industry contract's header naming the caller (Interop'Fibre infoTravauxFTTH's InfoTravauxFTTHHeader) must name
  // the operator its certificate belongs to (A6): a header is a claim, the certificate is the proof.
  ESAV_CALLER_HEADER_MISMATCH: def({
    wireCode: 'ENTETE_APPELANT_INCORRECTE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "L'entête {header} {why}."
  }),
  // A query whose answer would be larger than one message should carry: the contract has no paging, so the caller
  // narrows its criteria rather than receive a silently truncated list.
  ESAV_TOO_MANY_RESULTS: def({
    wireCode: 'RESULTATS_TROP_NOMBREUX', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'La recherche donne plus de {limit} {what} : précisez les critères ({criteria}).'
  }),
  ESAV_TICKET_TRANSITION: def({
    wireCode: 'TRANSITION_INTERDITE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'La signalisation {reference} est à l’état {state} : {why}.'
  }),
  ESAV_TICKET_DUPLICATE_REFERENCE: def({
    wireCode: 'REFERENCE_OPERATEUR_DEJA_UTILISEE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'Votre référence « {operatorReference} » désigne déjà la signalisation {reference}, déposée avec un autre contenu.'
  }),
  ESAV_OFFER_NOT_OPEN: def({
    wireCode: 'OFFRE_NON_OUVERTE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "Le dépôt de signalisations sur l'offre {offer} ouvre le {opensOn}."
  }),
  ESAV_FORM_OFFER_MISMATCH: def({
    wireCode: 'FORMULAIRE_HORS_OFFRE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "La prestation {serviceId} relève de l'offre {offer} : utilisez son formulaire ({form}), pas {given}."
  }),
  // Appointments (DOMAIN.md S4, issue 16). Slot search closes from 01:00 to 04:00 Paris time (10.1): a Server
  // fault with retry-after, like the maintenance window, since the caller did nothing wrong.
  ESAV_SLOT_SEARCH_CLOSED: def({
    wireCode: 'RECHERCHE_CRENEAUX_FERMEE', role: 'Server', httpStatus: 503, phase: 'invoke',
    message: "La recherche de créneaux est fermée de 01:00 à 04:00 (heure de Paris) : réessayez à partir de {retryAt} (heure de Paris)."
  }),
  ESAV_SLOT_PERIOD_INVALID: def({
    wireCode: 'PERIODE_RECHERCHE_INVALIDE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'La période de recherche du {from} au {to} est refusée : {why}.'
  }),
  ESAV_COMMUNE_NOT_SERVED: def({
    wireCode: 'COMMUNE_NON_DESSERVIE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "La commune de code INSEE « {codeInsee} » n'est dans aucune zone d'intervention de l'OI."
  }),
  // A slot id that is not one the gateway offered to this operator (forged, altered, another operator's): one fault.
  ESAV_SLOT_UNKNOWN: def({
    wireCode: 'CRENEAU_INCONNU', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "Le créneau « {slot} » n'a pas été proposé à votre opérateur : prenez un idCreneau donné par une recherche de créneaux libres."
  }),
  ESAV_SLOT_STALE: def({
    wireCode: 'CRENEAU_PERIME', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "Le créneau « {slot} » n'est plus proposé : {why}. Relancez une recherche de créneaux libres."
  }),
  ESAV_SLOT_FULL: def({
    wireCode: 'CRENEAU_COMPLET', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "Le créneau du {start} (heure de Paris) a été réservé entre-temps : il n'a plus de place libre. Relancez une recherche de créneaux libres."
  }),
  ESAV_APPOINTMENT_TRANSITION: def({
    wireCode: 'TRANSITION_RDV_INTERDITE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'Le rendez-vous {reference} est à l’état {state} : {why}.'
  }),
  ESAV_APPOINTMENT_CUTOFF: def({
    wireCode: 'DELAI_RDV_DEPASSE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "{action} du rendez-vous {reference} n'est plus possible depuis le {deadline} (heure de Paris) : {hours} heure(s) avant le début du créneau."
  }),
  // Line tests (issue 17, DOMAIN.md S5).
  ESAV_LINE_TEST_NOT_OFFERED: def({
    wireCode: 'TEST_NON_DISPONIBLE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "Le test {test} n'est pas proposé sur la prestation {serviceId} (offre {offer}). Tests disponibles : {offered}."
  }),
  ESAV_LINE_TEST_PARAMETER: def({
    wireCode: 'PARAMETRE_TEST_INVALIDE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'Paramètre du test {test} incorrect : {message}.'
  }),
  ESAV_LINE_TEST_ACTION_LIMIT: def({
    wireCode: 'ACTION_LIMITEE', role: 'Client', httpStatus: 429, phase: 'invoke',
    message: "L'action {test} est limitée à {limit} par heure sur la prestation {serviceId} : réessayez dans {retryAfter} secondes."
  }),
  ESAV_LINE_TEST_REQUIRED: def({
    wireCode: 'TEST_PREALABLE_REQUIS', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: "L'offre {offer} exige, avant le dépôt d'une signalisation sur {serviceId}, un test {tests} TERMINE de moins de {delay}. Lancez-le (service test, lancementTest), puis déposez."
  }),
  ESAV_LINE_TEST_PRIOR_INVALID: def({
    wireCode: 'TEST_PREALABLE_INVALIDE', role: 'Client', httpStatus: 400, phase: 'invoke',
    message: 'Le test préalable {reference} ne peut pas être retenu : {why}.'
  }),
  ESAV_MAINTENANCE: def({
    wireCode: 'SERVICE_EN_MAINTENANCE', role: 'Server', httpStatus: 503, phase: 'receive',
    message: "Le service est interrompu pour {reason} jusqu'à {until} (heure de Paris). Réessayez après cette heure."
  }),
  ESAV_SERVICE_UNAVAILABLE: def({
    wireCode: 'SERVICE_INDISPONIBLE', role: 'Server', httpStatus: 503, phase: 'invoke',
    message: 'Le service est momentanément indisponible ({reason}). Réessayez dans {retryAfter} secondes.'
  }),
  ESAV_INTERNAL: def({
    wireCode: 'ERREUR_INTERNE', role: 'Server', httpStatus: 500, phase: 'any',
    message: "Erreur interne de la passerelle. Communiquez l'identifiant de requête {requestId} au support de l'OI."
  })
} satisfies Record<string, ErrorDefinition>);

export type ErrorCode = keyof typeof errorRegistry;
