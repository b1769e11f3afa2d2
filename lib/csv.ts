// CSV as RFC 4180 says (comma, CRLF, double quotes doubled), made safe to open in a spreadsheet.

// A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets
// (OWASP "CSV injection"); tab and CR are on the list because some importers strip them first.
// (=, +, -, @, tab, CR: the character codes csvCell compares.)
// A plain decimal such as "-12.5000" is data, not a formula: it keeps its exact text.
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;

/** True when a spreadsheet would read the text as a formula (a plain decimal is data). */
export function looksLikeFormula(text: string): boolean {
  // The first character decides (one of the formula starts above), without a regex: exports call this 20 times a row.
  const first = text.charCodeAt(0);
  return (first === 0x3d || first === 0x2b || first === 0x2d || first === 0x40 || first === 0x09 || first === 0x0d) && !PLAIN_NUMBER.test(text);
}

/** Formula-looking text with a single quote in front, as exports write it (and pages show uploaded cells). */
export function formulaSafe(text: string): string {
  return looksLikeFormula(text) ? `'${text}` : text;
}

/** One cell: formula-looking text prefixed with a single quote, quoted when it must be. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = formulaSafe(typeof value === 'string' ? value : String(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Reads RFC 4180 text back into records (quoted fields may hold commas, quotes and line
 * breaks). Strict: a stray quote inside an unquoted field or an unterminated quote throws.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) return records;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= n) throw new SyntaxError('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new SyntaxError(`stray quote at ${i}`);
        field += text[i++];
      }
    }
    record.push(field);
    if (i >= n) break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n') i++;
    else throw new SyntaxError(`unexpected character at ${i}`);
    records.push(record);
    record = [];
    if (i >= n) return records;
  }
  records.push(record);
  return records;
}
