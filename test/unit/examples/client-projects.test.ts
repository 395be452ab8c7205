/**
 * The SoapUI project and the Postman collection of docs/examples/ (issue 19 item 1): parsed as their tools read
 * them, they hold every operation of every live service version, at its endpoint, with the examples' requests; and
 * they are what npm run examples:projects writes today (so a changed contract or example cannot leave them behind).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadCatalog } from '../../../src/catalog/catalog-loader.js';
import { formSchemaImports } from '../../../src/catalog/catalog-types.js';
import { findRootDir } from '../../../src/config/config.js';
import { loadContracts } from '../../../src/contracts/contract-loader.js';
import { liveVersions } from '../../../src/domain/version-policy.js';
import { libxml, type XmlElement } from '../../../src/xml/libxml.js';
import { endpointOf, postmanCollection, soapUiProject, SHOWN_BASE_URL } from '../../../scripts/lib/client-projects.js';
import { examplesDir, loadStories } from '../../../scripts/lib/examples.js';

const ROOT = findRootDir();
const DIR = examplesDir(ROOT);
const TODAY = new Date('2026-12-02T12:00:00Z');
const CON = { con: 'http://eviware.com/soapui/config' };
const contracts = loadContracts(ROOT, formSchemaImports(loadCatalog(ROOT)));
const stories = loadStories(ROOT);

/** "<service> v<N>" → the operations of that live version, from its WSDL. */
function liveOperations(): Map<string, { service: string; version: number; operations: Map<string, string> }> {
  const live = new Map<string, { service: string; version: number; operations: Map<string, string> }>();
  for (const [service, contract] of contracts.services) {
    if (contract.implementedBy !== 'gateway') continue;
    for (const v of liveVersions(contract.plan, TODAY)) {
      const d = contract.versions.get(v.version)!;
      live.set(`${service} v${v.version}`, { service, version: v.version, operations: new Map([...d.operations.values()].map((o) => [o.name, o.soapAction])) });
    }
  }
  return live;
}

describe('SoapUI project and Postman collection (docs/examples)', () => {
  const soapUiText = readFileSync(path.join(DIR, 'esav.soapui-project.xml'), 'utf8');
  const postmanText = readFileSync(path.join(DIR, 'esav.postman_collection.json'), 'utf8');
  const live = liveOperations();
  const textAt = (el: XmlElement, xpath: string): string => (el.get(xpath, CON) as XmlElement).text();

  it('are the files npm run examples:projects writes from today’s contracts and examples', () => {
    expect(soapUiText === soapUiProject(contracts, stories), 'esav.soapui-project.xml is stale: npm run examples:projects').to.equal(true);
    expect(postmanText === postmanCollection(contracts, stories), 'esav.postman_collection.json is stale: npm run examples:projects').to.equal(true);
  });

  it('SoapUI: a well-formed project with every live operation, its endpoint, its action and the examples’ requests', () => {
    const doc = libxml.parseXml(soapUiText);
    expect(doc.root()!.name()).to.equal('soapui-project');
    expect(doc.root()!.namespace()!.href()).to.equal(CON.con);
    const interfaces = doc.find('/con:soapui-project/con:interface', CON) as XmlElement[];
    expect(live.size).to.be.greaterThan(5);
    for (const [key, { service, version, operations }] of live) {
      const endpoint = `${SHOWN_BASE_URL}/esav/${service}/v${version}`;
      const mine = interfaces.filter((i) => i.getAttribute('name')!.value().startsWith(`${key} `));
      expect(mine.length, `${key}: interfaces`).to.be.greaterThan(0);
      expect(mine.some((i) => i.getAttribute('soapVersion')!.value() === '1_1'), `${key}: a SOAP 1.1 interface`).to.equal(true);
      for (const i of mine) {
        expect(textAt(i, 'con:endpoints/con:endpoint'), `${key}: endpoint`).to.equal(endpoint);
        expect(i.getAttribute('definition')!.value()).to.equal(`${endpoint}?wsdl`);
        // The WSDL is inlined, as published (the soap:address is the endpoint's), and is itself well formed.
        const wsdl = libxml.parseXml(textAt(i, 'con:definitionCache/con:part[1]/con:content'));
        expect(wsdl.root()!.name()).to.equal('definitions');
        const names = (i.find('con:operation', CON) as XmlElement[]).map((o) => o.getAttribute('name')!.value());
        expect([...names].sort(), `${key}: operations`).to.deep.equal([...operations.keys()].sort());
        for (const o of i.find('con:operation', CON) as XmlElement[]) {
          expect(o.getAttribute('action')!.value(), `${key} ${o.getAttribute('name')!.value()}: action`).to.equal(operations.get(o.getAttribute('name')!.value()));
          for (const c of o.find('con:call', CON) as XmlElement[]) expect(textAt(c, 'con:endpoint')).to.equal(endpoint);
        }
      }
      // Every example is a call of its operation, with the example's request verbatim, under its SOAP version.
      const story = stories.find((s) => s.service === service && s.version === version)!;
      for (const example of story.examples) {
        const calls = mine.filter((i) => i.getAttribute('soapVersion')!.value() === (example.soap === '1.2' ? '1_2' : '1_1'))
          .flatMap((i) => i.find(`con:operation/con:call[@name="${example.name}"]`, CON) as XmlElement[]);
        expect(calls.length, `${key} ${example.name}: one call`).to.equal(1);
        expect(textAt(calls[0]!, 'con:request')).to.equal(readFileSync(example.requestFile, 'utf8'));
      }
    }
  });

  it('Postman: a v2.1 collection with a request per example, at its endpoint, with its action and body', () => {
    interface Item { name: string; item?: Item[]; request?: { method: string; header: { key: string; value: string }[]; body: { raw: string }; url: { raw: string } } }
    const c = JSON.parse(postmanText) as { info: { schema: string }; variable: { key: string; value: string }[]; item: Item[] };
    expect(c.info.schema).to.equal('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    const vars = new Map(c.variable.map((v) => [v.key, v.value]));
    expect(vars.get('baseUrl')).to.equal(SHOWN_BASE_URL);
    for (const [key, { operations }] of live) {
      const folder = c.item.find((f) => f.name === key);
      expect(folder, `${key}: folder`).to.not.equal(undefined);
      const story = stories.find((s) => `${s.service} v${s.version}` === key)!;
      const seen = new Set<string>();
      for (const example of story.examples) {
        const item = folder!.item!.find((i) => i.name.startsWith(`${example.name} (`));
        expect(item, `${key} ${example.name}`).to.not.equal(undefined);
        const op = /\((\w+), SOAP/.exec(item!.name)![1]!;
        seen.add(op);
        const r = item!.request!;
        expect(r.method).to.equal('POST');
        expect(r.url.raw.replace('{{baseUrl}}', vars.get('baseUrl')!)).to.equal(endpointOf(story));
        const header = new Map(r.header.map((h) => [h.key.toLowerCase(), h.value]));
        if (example.soap === '1.2') expect(header.get('content-type')).to.equal(`application/soap+xml; charset=utf-8; action="${operations.get(op)}"`);
        else expect(header.get('soapaction')).to.equal(`"${operations.get(op)}"`);
        // Once its variables are the examples' values, the body is the example's request.
        expect(r.body.raw.replace(/\{\{(\w+)\}\}/g, (_, name: string) => vars.get(name) ?? `{{${name}}}`)).to.equal(readFileSync(example.requestFile, 'utf8'));
      }
      expect([...seen].sort(), `${key}: operations`).to.deep.equal([...operations.keys()].sort());
    }
  });
});
