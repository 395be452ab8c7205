import { expect } from 'chai';
import { EsavError, type DetailFor } from '../../../src/errors/esav-error.js';
import { errorRegistry } from '../../../src/errors/registry.js';
import { MISSING_PARAMETER, renderTemplate, type TemplateParams } from '../../../src/errors/template.js';
import { writeFault } from '../../../src/soap/fault-writer.js';
import { SOAP11 } from '../../../src/soap/soap-version.js';

// Compile-time checks: `npm run typecheck` fails when an expected error is no longer one (an unused @ts-expect-error).
const names: TemplateParams<'ligne {line}, colonne {column} : {reason}.'>[] = ['line', 'column', 'reason'];
// @ts-expect-error 'other' is not a placeholder of the template
const notAName: TemplateParams<'ligne {line}.'> = 'other';
// @ts-expect-error ESAV_XML_MALFORMED's message needs {reason}
const withoutReason: DetailFor<'ESAV_XML_MALFORMED'> = { params: { line: 1, column: 2 } };
// @ts-expect-error ESAV_XML_DOCTYPE's message has no placeholder, so no params
const paramsForNone: DetailFor<'ESAV_XML_DOCTYPE'> = { params: { line: 1 } };
const compileTime = [names, notAName, withoutReason, paramsForNone];

describe('message templates', () => {
  it('fills every placeholder from its parameter', () => {
    expect(renderTemplate('ligne {line}, colonne {column} : {reason}.', { line: 3, column: 7, reason: 'balise non fermée' }))
      .to.deep.equal({ text: 'ligne 3, colonne 7 : balise non fermée.', missing: [] });
  });

  it('puts a neutral text, never {name}, for a parameter missing at run time, and names it', () => {
    const r = renderTemplate('ligne {line} : {reason}.', { line: 3 });
    expect(r.text).to.equal(`ligne 3 : ${MISSING_PARAMETER}.`);
    expect(r.missing).to.deep.equal(['reason']);
    const none = renderTemplate('{a} et {b}', undefined);
    expect(none.text).not.to.match(/[{}]/);
    expect(none.missing).to.deep.equal(['a', 'b']);
  });

  it('treats undefined and non-finite numbers, which a cast can smuggle in, as missing', () => {
    const smuggled = { line: undefined, column: Number.NaN, reason: 'x' } as unknown as { line: number; column: number; reason: string };
    expect(renderTemplate('{line}/{column}/{reason}', smuggled)).to.deep.equal({ text: `${MISSING_PARAMETER}/${MISSING_PARAMETER}/x`, missing: ['line', 'column'] });
  });

  it('never sends a placeholder on the wire, and the error says which parameter was missing (the transport logs it)', () => {
    const detail = { params: { line: 1, column: 2 } } as unknown as DetailFor<'ESAV_XML_MALFORMED'>;
    const e = new EsavError('ESAV_XML_MALFORMED', detail);
    expect(e.missingParams).to.deep.equal(['reason']);
    const fault = writeFault(e, 'req-1', SOAP11);
    expect(fault.body).to.include(`(ligne 1, colonne 2) : ${MISSING_PARAMETER}.`);
    expect(fault.body).not.to.match(/\{\w+\}/);
  });

  it('renders every message of the registry without a placeholder left, given its parameters', () => {
    for (const [code, d] of Object.entries(errorRegistry)) {
      const params = Object.fromEntries([...d.message.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'v']));
      const r = renderTemplate(d.message, params);
      expect(r.missing, code).to.deep.equal([]);
      expect(r.text, code).not.to.match(/[{}]/);
    }
  });

  it('keeps the compile-time checks of this file', () => {
    expect(compileTime).to.have.length(4);
  });
});
