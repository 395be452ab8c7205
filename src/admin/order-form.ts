/**
 * Reads an order form (DOMAIN.md O1, annex 3) from JSON or XML. The XML form uses the French names of the paper
 * form; it is parsed by fast-xml-parser after the same DOCTYPE prescan as the web services (no entity expansion).
 */
import { XMLParser } from 'fast-xml-parser';
import type { OrderForm, Person } from '../domain/operator-subscription.js';
import { AdminError } from '../errors/admin-error.js';
import { isEsavError } from '../errors/esav-error.js';
import { prescanXml } from '../xml/prescan.js';

type Obj = Record<string, unknown>;

const str = (o: Obj | undefined, k: string): string => (o && o[k] !== undefined && o[k] !== null ? String(o[k]).trim() : '');
const obj = (o: Obj | undefined, k: string): Obj | undefined => (o && typeof o[k] === 'object' && o[k] !== null ? (o[k] as Obj) : undefined);
const bool = (v: unknown): boolean => v === true || v === 'true' || v === 'oui' || v === '1';

function person(o: Obj | undefined, name: string, email: string, phone: string): Person | null {
  if (!o) return null;
  return { name: str(o, name), email: str(o, email), phone: str(o, phone) || null };
}

function fromJson(o: Obj): OrderForm {
  const access = obj(o, 'access');
  return {
    code: str(o, 'code'),
    contractReference: str(o, 'contractReference'),
    companyName: str(o, 'companyName'),
    siret: str(o, 'siret').replace(/\s/g, ''),
    representative: { name: str(obj(o, 'representative'), 'name'), title: str(obj(o, 'representative'), 'title') },
    contact: person(obj(o, 'contact'), 'name', 'email', 'phone') ?? { name: '', email: '', phone: null },
    address: { street: str(obj(o, 'address'), 'street'), postcode: str(obj(o, 'address'), 'postcode'), city: str(obj(o, 'address'), 'city') },
    esavContact: person(obj(o, 'esavContact'), 'name', 'email', 'phone'),
    access: { online: bool(access?.online), integrated: bool(access?.integrated) },
    activationDate: str(o, 'activationDate')
  };
}

function fromXml(root: Obj): OrderForm {
  const access = obj(root, 'accesDemande');
  return {
    code: str(root, 'codeOperateur'),
    contractReference: str(root, 'referenceContrat'),
    companyName: str(root, 'raisonSociale'),
    siret: str(root, 'siret').replace(/\s/g, ''),
    representative: { name: str(obj(root, 'representant'), 'nom'), title: str(obj(root, 'representant'), 'qualite') },
    contact: person(obj(root, 'contact'), 'nom', 'courriel', 'telephone') ?? { name: '', email: '', phone: null },
    address: { street: str(obj(root, 'adresse'), 'voie'), postcode: str(obj(root, 'adresse'), 'codePostal'), city: str(obj(root, 'adresse'), 'commune') },
    esavContact: person(obj(root, 'correspondantESAV'), 'nom', 'courriel', 'telephone'),
    access: { online: bool(access?.enLigne), integrated: bool(access?.integre) },
    activationDate: str(root, 'dateActivation')
  };
}

/** Parses the order form in `text`; the format is told by the file name (.json or .xml) or sniffed. */
export function parseOrderForm(text: string, fileName: string): OrderForm {
  const trimmed = text.trim();
  const isXml = fileName.toLowerCase().endsWith('.xml') || trimmed.startsWith('<');
  try {
    if (!isXml) return fromJson(JSON.parse(trimmed) as Obj);
    prescanXml(trimmed, { maxDepth: 16, maxAttributes: 16 });
    const doc = new XMLParser({ ignoreAttributes: true, processEntities: false, parseTagValue: false, removeNSPrefix: true }).parse(trimmed) as Obj;
    const root = obj(doc, 'bonDeCommande');
    if (!root) throw new AdminError('ADMIN_INVALID_INPUT', `${fileName}: the root element must be <bonDeCommande>`);
    return fromXml(root);
  } catch (e) {
    if (e instanceof AdminError) throw e;
    const reason = isEsavError(e) ? e.message : e instanceof Error ? e.message : String(e);
    throw new AdminError('ADMIN_INVALID_INPUT', `${fileName} is not a readable order form: ${reason}`, [], { cause: e });
  }
}
