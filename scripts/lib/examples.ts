/**
 * The developer examples of docs/examples/ (issue 19 item 1): one story per live service version, in the order of
 * docs/examples/examples.json. Read by the replay test (test/integration/examples.test.ts) and by the generator of
 * the SoapUI project and the Postman collection (scripts/client-projects.ts), so both speak of the same files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const SOAP11_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const SOAP12_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** Something the OI does between two examples (ticket-service oiEvent / oiComment). */
export interface OiStep {
  readonly oi: 'accept' | 'start' | 'freeze' | 'close' | 'notify-closure' | 'comment';
  readonly reason?: string;
  readonly text?: string;
}

/** A planned work or an incident the OI declares (network-event-store declareNetworkEvent). */
export interface NetworkStep {
  readonly network: 'TP' | 'DERCO';
  readonly equipmentKind: 'PM' | 'PMT' | 'PBO' | 'LIENPMPBO';
  readonly equipment: string;
  readonly nature?: string;
  readonly start?: string;
  readonly end?: string;
  readonly curative?: boolean;
  readonly interventionRequired?: boolean;
  readonly comments?: string;
  readonly contact?: string;
}

export interface Example {
  /** e.g. 01-depotSignalisation, 07-depotSignalisation-soap12 */
  readonly name: string;
  /** The operation, from the body's first element (…Requete / …Request), checked against the WSDL by the tests. */
  readonly requestElement: string;
  readonly soap: '1.1' | '1.2';
  readonly requestFile: string;
  readonly responseFile: string;
  readonly request: string;
}

export type Step = { readonly example: Example } | OiStep | NetworkStep;

export interface Story {
  readonly service: string;
  readonly version: number;
  /** The gateway's clock at the first step; it moves STEP_MS per step. */
  readonly at: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly dir: string;
  readonly steps: readonly Step[];
  readonly examples: readonly Example[];
}

export const STEP_MS = 5 * 60_000;

interface ManifestStory {
  readonly service: string;
  readonly version: number;
  readonly at: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly steps: ReadonlyArray<string | OiStep | NetworkStep>;
}

export function examplesDir(rootDir: string): string {
  return path.join(rootDir, 'docs', 'examples');
}

/** The first element of the SOAP Body of a request, and the SOAP version of its envelope. */
export function describeRequest(xml: string): { readonly element: string; readonly soap: '1.1' | '1.2' } {
  const withoutComments = xml.replace(/<!--[\s\S]*?-->/g, '');
  const soap = withoutComments.includes(SOAP12_NS) ? '1.2' : '1.1';
  const body = /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/.exec(withoutComments);
  if (!body) throw new Error('no element in the SOAP Body');
  return { element: body[1]!, soap };
}

export function loadStories(rootDir: string): Story[] {
  const dir = examplesDir(rootDir);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'examples.json'), 'utf8')) as { stories: ManifestStory[] };
  return manifest.stories.map((s) => {
    const storyDir = path.join(dir, s.service, `v${s.version}`);
    const examples: Example[] = [];
    const steps: Step[] = s.steps.map((step) => {
      if (typeof step !== 'string') return step;
      const requestFile = path.join(storyDir, `${step}.request.xml`);
      const request = readFileSync(requestFile, 'utf8');
      const { element, soap } = describeRequest(request);
      const example: Example = { name: step, requestElement: element, soap, requestFile, responseFile: path.join(storyDir, `${step}.response.xml`), request };
      examples.push(example);
      return { example };
    });
    return { service: s.service, version: s.version, at: s.at, ...(s.env ? { env: s.env } : {}), dir: storyDir, steps, examples };
  });
}

/** Strips the comments and the XML declaration, joins the tags: what two equal documents share however laid out. */
export function compact(xml: string): string {
  return xml.replace(/<\?xml[^>]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').trim();
}

/**
 * One element per line, indented; an element holding only text stays on one line. For the gateway's answers (no
 * mixed content), so that a recorded answer reads like the requests.
 */
export function prettyPrint(xml: string): string {
  const tokens = compact(xml).match(/<[^>]+>|[^<]+/g) ?? [];
  const lines: string[] = [];
  let depth = 0;
  const pad = (): string => '  '.repeat(depth);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.startsWith('</')) { depth--; lines.push(pad() + t); continue; }
    if (!t.startsWith('<')) { if (t.trim()) lines.push(pad() + t.trim()); continue; }
    if (t.endsWith('/>')) { lines.push(pad() + t); continue; }
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    if (next?.startsWith('</')) { lines.push(pad() + t + next); i += 1; continue; }
    if (next !== undefined && !next.startsWith('<') && after?.startsWith('</')) { lines.push(pad() + t + next + after); i += 2; continue; }
    lines.push(pad() + t);
    depth++;
  }
  return lines.join('\n');
}
