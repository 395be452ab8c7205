import { expect } from 'chai';
import { codePointLength, freeTextProblem, TEXT_MAX_LENGTH } from '../../../src/domain/free-text.js';
import { parseMoveRequest } from '../../../src/domain/oi-ticket-actions.js';
import { TicketActionRefusal } from '../../../src/errors/ticket-action-refusal.js';

describe('free text the OI types (src/domain/free-text.ts)', () => {
  it('accepts text XML 1.0 can carry, tabs and line breaks and astral characters included', () => {
    for (const ok of ['Passage prévu demain 9 h', 'ligne 1\r\nligne 2\tfin', 'fibre 🧵 posée', '\u00a0x', 'x'.repeat(TEXT_MAX_LENGTH.comment)]) {
      expect(freeTextProblem('text', ok, TEXT_MAX_LENGTH.comment), JSON.stringify(ok)).to.equal(null);
    }
  });

  it('refuses NUL, C0 controls, noncharacters and lone surrogates, naming the field, the character and its position', () => {
    const cases: Array<[string, string]> = [
      ['ab\u0000c', 'text: U+0000 (NUL) at position 3 is not allowed (XML 1.0 characters only)'],
      ['\u0007', 'text: U+0007 (a control character) at position 1'],
      ['fin\uFFFF', 'text: U+FFFF (a noncharacter) at position 4'],
      ['a\uD800b', 'text: U+D800 (a lone surrogate) at position 2'],
      ['a\uDC00', 'text: U+DC00 (a lone surrogate) at position 2'],
      ['\uD83E', 'text: U+D83E (a lone surrogate) at position 1']
    ];
    for (const [value, message] of cases) {
      const problem = freeTextProblem('text', value, 4000);
      expect(problem?.rule, JSON.stringify(value)).to.equal('caractere-interdit');
      expect(problem?.message).to.include(message);
    }
  });

  it('refuses text with nothing readable: white space, C1 controls and format characters only', () => {
    for (const value of ['\u0085\u009f', '\u200b\u200d', ' \u00ad\n', '\u2028']) {
      expect(freeTextProblem('reason', value, 1000), JSON.stringify(value))
        .to.deep.equal({ rule: 'vide', message: 'reason: only white space or control characters, nothing readable' });
    }
  });

  it('counts the length in characters as XSD and PostgreSQL do, not in UTF-16 units', () => {
    expect(codePointLength('🧵'.repeat(3))).to.equal(3);
    expect(freeTextProblem('reason', '🧵'.repeat(1000), TEXT_MAX_LENGTH.reason)).to.equal(null);
    expect(freeTextProblem('reason', 'é'.repeat(1001), TEXT_MAX_LENGTH.reason))
      .to.deep.equal({ rule: 'longueur-max', message: 'reason: at most 1000 characters, 1001 given' });
  });

  it('refuses a move whose reason cannot be sent, with the refusal naming the field', () => {
    const refusal = (() => { try { parseMoveRequest({ event: 'close', reason: 'x'.repeat(1001) }); } catch (e) { return e; } return null; })();
    expect(refusal).to.be.instanceOf(TicketActionRefusal);
    expect(refusal).to.include({ code: 'TEXT_TOO_LONG', kind: 'invalid-input', field: 'reason' });
    expect(() => parseMoveRequest({ event: 'unfreeze', reason: 'ok\u0000' })).to.throw(TicketActionRefusal, 'reason: U+0000 (NUL)');
    expect(parseMoveRequest({ event: 'close', reason: 'x'.repeat(1000) }).reason).to.have.length(1000);
  });
});
