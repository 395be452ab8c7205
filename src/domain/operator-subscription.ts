/**
 * An operator's subscription to e-SAV (DOMAIN.md O1, annex 3): the order form's content, its validation, the
 * activation and termination rules (the service starts on its activation date; either side ends it with two
 * months' notice).
 */
import { addMonths, parseIsoDate } from './calendar.js';
import type { FieldError } from '../errors/esav-error.js';
import { codePointLength, freeTextProblem } from './free-text.js';

export interface Person { readonly name: string; readonly email: string; readonly phone: string | null }

export interface OrderForm {
  readonly code: string;
  readonly contractReference: string;
  readonly companyName: string;
  readonly siret: string;
  readonly representative: { readonly name: string; readonly title: string };
  readonly contact: Person;
  readonly address: { readonly street: string; readonly postcode: string; readonly city: string };
  readonly esavContact: Person | null;
  readonly access: { readonly online: boolean; readonly integrated: boolean };
  readonly activationDate: string;
}

export type OperatorStatus =
  | { readonly state: 'active' }
  | { readonly state: 'not-yet-active'; readonly activationDate: string }
  | { readonly state: 'terminated'; readonly endDate: string };

/** SIREN and SIRET end with a Luhn check digit (INSEE); La Poste's SIRETs (SIREN 356000000) use a digit sum instead. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

export function siretValid(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000')) return [...siret].reduce((s, c) => s + Number(c), 0) % 5 === 0;
  return luhnValid(siret.slice(0, 9)) && luhnValid(siret);
}

/**
 * The longest value of each text field of the order form, in characters. The operator table keeps them as text and
 * jsonb, unbounded: the bounds are those of the same things in the form catalogue (catalog/forms/ftte/v1: raisonSociale
 * and a contact's nom are Texte100Type, voie and commune Texte200Type, EmailType 254 as RFC 5321 allows), 64 for a
 * contract reference (as the contracts' references) and 20 for a phone number (the PHONE pattern).
 */
export const ORDER_FORM_MAX_LENGTH = Object.freeze({
  contractReference: 64, companyName: 100, 'representative.name': 100, 'representative.title': 100,
  name: 100, email: 254, phone: 20, 'address.street': 200, 'address.city': 200
} as const);

/** The text fields of a form with their bound, named as validateOrderForm names them. */
function boundedFields(f: OrderForm): Array<[string, string | null | undefined, number]> {
  const M = ORDER_FORM_MAX_LENGTH;
  const people = ([['contact', f.contact], ['esavContact', f.esavContact]] as const).flatMap(([prefix, p]) => (p === null || p === undefined ? [] : [
    [`${prefix}.name`, p.name, M.name], [`${prefix}.email`, p.email, M.email], [`${prefix}.phone`, p.phone, M.phone]
  ] as Array<[string, string | null, number]>));
  return [
    ['code', f.code, 16], ['contractReference', f.contractReference, M.contractReference], ['companyName', f.companyName, M.companyName],
    ['siret', f.siret, 14], ['representative.name', f.representative?.name, M['representative.name']],
    ['representative.title', f.representative?.title, M['representative.title']], ...people,
    ['address.street', f.address?.street, M['address.street']], ['address.postcode', f.address?.postcode, 5],
    ['address.city', f.address?.city, M['address.city']], ['activationDate', f.activationDate, 10]
  ];
}

/** Over-long values and characters the database and XML cannot hold (NUL, controls, lone surrogates), per field. */
function textProblems(f: OrderForm): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, value, max] of boundedFields(f)) {
    if (value === null || value === undefined || value === '') continue;
    const p = freeTextProblem(field, value, max);
    if (p?.rule === 'longueur-max') {
      errors.push({ field, rule: 'maxLength', message: `au plus ${max} caractères, ${codePointLength(value)} donnés` });
    } else if (p?.rule === 'caractere-interdit') {
      errors.push({ field, rule: 'caractere', message: `caractère interdit ${p.character} en position ${p.position} (XML 1.0)` });
    }
  }
  return errors;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 .-]{9,20}$/;

/** Every problem of an order form, each naming its field (empty when the form is complete and coherent). */
export function validateOrderForm(f: OrderForm): FieldError[] {
  const errors: FieldError[] = textProblems(f);
  // A field already refused for its length or a character is not checked further (one problem per field).
  const refused = new Set(errors.map((e) => e.field));
  const need = (field: string, value: string | undefined | null, rule = 'obligatoire', message = 'champ obligatoire'): void => {
    if (value === undefined || value === null || value.trim() === '') errors.push({ field, rule, message });
  };
  const check = (field: string, ok: boolean, rule: string, value: string, message: string): void => {
    if (!ok && !refused.has(field)) errors.push({ field, rule, value, message });
  };
  need('code', f.code);
  if (f.code) check('code', /^[A-Z0-9]{2,16}$/.test(f.code), 'pattern', f.code, '2 à 16 lettres majuscules ou chiffres');
  need('contractReference', f.contractReference);
  need('companyName', f.companyName);
  need('siret', f.siret);
  if (f.siret) check('siret', siretValid(f.siret), 'siret', f.siret, 'SIRET invalide (14 chiffres, clé de contrôle)');
  need('representative.name', f.representative?.name);
  need('representative.title', f.representative?.title);
  for (const [prefix, p] of [['contact', f.contact], ['esavContact', f.esavContact]] as const) {
    if (p === null && prefix === 'esavContact') continue;
    need(`${prefix}.name`, p?.name);
    need(`${prefix}.email`, p?.email);
    if (p?.email) check(`${prefix}.email`, EMAIL.test(p.email), 'email', p.email, 'adresse électronique invalide');
    if (p?.phone) check(`${prefix}.phone`, PHONE.test(p.phone), 'telephone', p.phone, 'numéro de téléphone invalide');
  }
  need('address.street', f.address?.street);
  need('address.city', f.address?.city);
  need('address.postcode', f.address?.postcode);
  if (f.address?.postcode) check('address.postcode', /^\d{5}$/.test(f.address.postcode), 'pattern', f.address.postcode, 'code postal à 5 chiffres');
  if (!f.access || (!f.access.online && !f.access.integrated)) {
    errors.push({ field: 'access', rule: 'obligatoire', message: "au moins un accès demandé : en ligne et/ou intégré (article 5)" });
  }
  need('activationDate', f.activationDate);
  if (f.activationDate) check('activationDate', parseIsoDate(f.activationDate) !== null, 'date', f.activationDate, 'date AAAA-MM-JJ');
  return errors;
}

/** O1: the end date of a termination notified on a date: two months' notice at least. */
export function terminationEndDate(notifiedOn: string, requestedEnd: string | null): { endDate: string } | { error: string } {
  if (!parseIsoDate(notifiedOn)) return { error: `date de notification invalide : ${notifiedOn}` };
  const earliest = addMonths(notifiedOn, 2);
  if (requestedEnd === null) return { endDate: earliest };
  if (!parseIsoDate(requestedEnd)) return { error: `date de fin invalide : ${requestedEnd}` };
  if (requestedEnd < earliest) {
    return { error: `préavis de deux mois (O1) : une résiliation notifiée le ${notifiedOn} prend effet au plus tôt le ${earliest}, pas le ${requestedEnd}` };
  }
  return { endDate: requestedEnd };
}

/** The operator's state on a Paris date: the service runs from the activation date until the day before the end date. */
export function operatorStatus(activationDate: string, endDate: string | null, today: string): OperatorStatus {
  if (today < activationDate) return { state: 'not-yet-active', activationDate };
  if (endDate !== null && today >= endDate) return { state: 'terminated', endDate };
  return { state: 'active' };
}
