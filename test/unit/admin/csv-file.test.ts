import { expect } from 'chai';
import { csvRecords, decodeCsv } from '../../../src/admin/csv-file.js';
import { AdminError } from '../../../src/errors/admin-error.js';

describe('CSV files of the administration commands', () => {
  it('finds the separator from the header and reads RFC 4180 quotes, with the line each record starts on', () => {
    const text = 'a;b;c\r\n1;"x;y";"say ""hi"""\r\n\r\n2;"two\nlines";z\n3,4;5;';
    expect([...csvRecords(text)]).to.deep.equal([
      { line: 1, cells: ['a', 'b', 'c'] }, { line: 2, cells: ['1', 'x;y', 'say "hi"'] },
      { line: 4, cells: ['2', 'two\nlines', 'z'] }, { line: 6, cells: ['3,4', '5', ''] }]);
    expect([...csvRecords('a,b\n1,2')].map((r) => r.cells)).to.deep.equal([['a', 'b'], ['1', '2']]);
    expect([...csvRecords('a\tb\n1\t2')].map((r) => r.cells)).to.deep.equal([['a', 'b'], ['1', '2']]);
  });

  it('refuses a quoted field that is never closed, naming its line', () => {
    expect(() => [...csvRecords('a;b\n1;"open\n2;3')]).to.throw(AdminError, 'line 2: a quoted field is not closed');
  });

  it('reads UTF-8 (dropping a byte-order mark), else Windows-1252 with its 0x80-0x9F punctuation', () => {
    expect(decodeCsv(Buffer.from('\uFEFFPréfecture – Côte-d’Or', 'utf8'))).to.deep.equal({ text: 'Préfecture – Côte-d’Or', encoding: 'utf-8' });
    const cp1252 = Buffer.from([0x50, 0x72, 0xe9, 0x20, 0x96, 0x20, 0x92, 0x80, 0x9c]);
    expect(decodeCsv(cp1252)).to.deep.equal({ text: 'Pré – ’€œ', encoding: 'windows-1252' });
    expect(decodeCsv(Buffer.from('é', 'utf8'), 'windows-1252').text).to.equal('Ã©');
    expect(() => decodeCsv(cp1252, 'utf-8')).to.throw(AdminError, 'not valid UTF-8');
    expect(() => decodeCsv(cp1252, 'latin-9')).to.throw(AdminError, '--encoding latin-9');
  });
});
