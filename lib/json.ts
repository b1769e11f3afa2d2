// Exact JSON: number literals come back as their source text, so money never passes
// through a float (Enkash sends `"surcharge": 0.0000` as a number).

export const MAX_JSON_DEPTH = 64;

export type ParsedJson = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses JSON, returning every number literal as its exact source text
 * (`0.0000` → `"0.0000"`, `-1.5e3` → `"-1.5e3"`). Nesting deeper than 64 is refused.
 * Duplicate keys: the last one wins, as with JSON.parse.
 */
export function parseJsonExact(text: string): ParsedJson {
  if (typeof text !== 'string') return { ok: false, reason: 'invalid JSON: not text' };
  try {
    JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${safeReason(error)}` };
  }
  // The text is valid JSON from here on, which keeps the scanner small: outside strings
  // a '-' or a digit can only start a number, and a number runs to the next delimiter.
  const out: string[] = [];
  let copiedTo = 0;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = endOfString(text, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) {
        return { ok: false, reason: `invalid JSON: nested deeper than ${MAX_JSON_DEPTH} levels` };
      }
      i++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      i++;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      const start = i;
      while (i < text.length && isNumberChar(text.charCodeAt(i))) i++;
      out.push(text.slice(copiedTo, start), '"', text.slice(start, i), '"');
      copiedTo = i;
    } else {
      i++;
    }
  }
  out.push(text.slice(copiedTo));
  return { ok: true, value: JSON.parse(out.join('')) };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

function isNumberChar(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || c === MINUS || c === PLUS || c === DOT || c === 0x65 || c === 0x45;
}

/** Index just past the closing quote of the string opening at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // Skipping the character after a backslash is enough: `\uXXXX` hex digits are never quotes.
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

/**
 * V8's messages quote a slice of the input (`Unexpected token 'x', "{"pan": 4111…" is not
 * valid JSON`), which may hold a card number or a secret: keep only the description.
 */
function safeReason(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const description = message
    .replace(/,\s*(?:\.\.\.)?".*$/s, '')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 120)
    .trim();
  return description.includes('"') || description === '' ? 'syntax error' : description;
}

/**
 * Deterministic JSON for hashing: object keys sorted by UTF-16 code units at every level,
 * array order kept, otherwise as JSON.stringify (toJSON honoured, undefined members dropped).
 */
export function canonicalJson(value: unknown): string {
  const result = write(value, new Set());
  if (result === undefined) throw new TypeError('canonicalJson: value is not serialisable');
  return result;
}

function write(input: unknown, ancestors: Set<object>): string | undefined {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt is not JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) throw new TypeError('canonicalJson: circular structure');
  ancestors.add(object);
  let body: string;
  if (Array.isArray(object)) {
    body = '[' + object.map((item) => write(item, ancestors) ?? 'null').join(',') + ']';
  } else {
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = write(record[key], ancestors);
      if (item !== undefined) members.push(JSON.stringify(key) + ':' + item);
    }
    body = '{' + members.join(',') + '}';
  }
  ancestors.delete(object);
  return body;
}
