import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, parseCsv } from './csv';

describe('csvCell', () => {
  it('leaves plain text alone and writes absent values as empty cells', () => {
    expect(csvCell('EK1738916997652yh8GL')).toBe('EK1738916997652yh8GL');
    expect(csvCell('500.0000')).toBe('500.0000');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('quotes commas, doubles quotes and keeps line breaks inside quotes', () => {
    expect(csvCell('Sharma, Priya')).toBe('"Sharma, Priya"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"');
    expect(csvCell('a\r\nb')).toBe('"a\r\nb"');
    expect(csvCell('"')).toBe('""""');
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+', '+91 98765 43210', "'+91 98765 43210"],
    ['-', '-2+3+cmd|" /C calc"!A0', `"'-2+3+cmd|"" /C calc""!A0"`],
    ['@', '@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['tab', '\t=1+1', "'\t=1+1"],
    ['CR', '\r=1+1', `"'\r=1+1"`],
  ])('neutralises a cell starting with %s', (_name, input, expected) => {
    expect(csvCell(input)).toBe(expected);
    // The spreadsheet sees text that starts with a quote, never the formula character.
    expect(parseCsv(csvRow([input]))[0][0]).toBe(`'${input}`);
  });

  it('keeps a negative plain amount exact (a number is not a formula) but not an expression', () => {
    expect(csvCell('-12.5000')).toBe('-12.5000');
    expect(csvCell('-7')).toBe('-7');
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('-1.0e5')).toBe("'-1.0e5");
  });

  it('only looks at the first character', () => {
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('user@example.com')).toBe('user@example.com');
    expect(csvCell(' =1+1')).toBe(' =1+1');
  });

  it('passes unicode through untouched', () => {
    for (const s of ['Zoë Ünal', 'प्रिया शर्मा', '山田太郎', '👩🏽‍💻 dev', '₹1,00,000']) {
      expect(parseCsv(csvRow([s]))[0][0]).toBe(s);
    }
    expect(csvCell('प्रिया')).toBe('प्रिया');
  });
});

describe('csvRow and parseCsv', () => {
  it('ends records with CRLF and round-trips awkward rows exactly', () => {
    const rows = [
      ['time (IST)', 'name', 'amount'],
      ['2025-02-07 14:00:05 +05:30', 'O\'Brien, "Pat"\r\nsecond line', '0.3000'],
      ['', '=1+1', '-5.0000'],
      ['a,b', '', 'ü'],
    ];
    const text = rows.map(csvRow).join('');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe('time (IST),name,amount');
    expect(parseCsv(text)).toEqual([rows[0], rows[1], ['', "'=1+1", '-5.0000'], rows[3]]);
  });

  it('reads a last record without a line break and bare LF line ends', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('x,\r\n')).toEqual([['x', '']]);
  });

  it('refuses malformed text', () => {
    expect(() => parseCsv('"open')).toThrow(SyntaxError);
    expect(() => parseCsv('a"b,c')).toThrow(SyntaxError);
    expect(() => parseCsv('"a"b')).toThrow(SyntaxError);
  });
});
