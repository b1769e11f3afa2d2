import { scrubCardNumbers } from './cards';

/**
 * Postgres text and jsonb cannot hold NUL, and jsonb refuses lone UTF-16 surrogates; hostile
 * or broken input with either must still be stored, so both are replaced before writing.
 */
export function storableText(s: string): { text: string; changed: boolean } {
  // eslint-disable-next-line no-control-regex
  const text = s.replace(/\u0000/g, '\uFFFD').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return { text, changed: text !== s };
}

/**
 * Free text as PayOps keeps it (reasons, notes, names, search terms, headers, audit rows, log
 * lines): card numbers cut to their last four, then made storable.
 */
export function scrubbedText(s: string): string {
  return storableText(scrubCardNumbers(s).text).text;
}

/** scrubbedText for an optional value. */
export const scrubbedOrNull = (s: string | null | undefined): string | null => (typeof s === 'string' ? scrubbedText(s) : null);

/** Applies `fn` to every string (object keys included) in JSON-like data; returns a copy. */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[fn(k)] = mapStrings(v, fn);
    return out;
  }
  return value;
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}
