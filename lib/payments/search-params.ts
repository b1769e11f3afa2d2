import { z } from 'zod';
import { parseMoney } from '@/lib/money';
import { storableText } from '@/lib/text';
import { istDayRange } from '@/lib/time';

export const SEARCH_Q_MAX = 200;
export const PAGE_SIZE = 50;
export const PROVIDERS = ['enkash', 'juspay'] as const;

const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_]{1,40}$/, 'must be an upper-case code such as SUCCESS');

// Postgres refuses years 0 and 10000+ (a Date serialises them as `0000-…` and `+010000-…`).
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 0, 1);

/** `YYYY-MM-DD` is a whole IST day; anything else must be ISO-8601 with a zone. */
const instant = (edge: 'start' | 'end') =>
  z.string().trim().transform((v, ctx) => {
    let at: Date | undefined;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      const day = istDayRange(v);
      at = day ? (edge === 'start' ? day.start : day.end) : undefined;
    } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(v)) {
      at = new Date(v);
    }
    if (at && at.getTime() >= EARLIEST && at.getTime() <= LATEST) return at;
    ctx.addIssue({ code: 'custom', message: 'must be a date (YYYY-MM-DD, an IST day) or ISO-8601 with a zone, from year 1000 to 9998' });
    return z.NEVER;
  });

/** An exact decimal amount, canonical (four decimals), compared as numeric in SQL. */
const amount = z.string().transform((v, ctx) => {
  const parsed = parseMoney(v);
  if (parsed.ok && parsed.value !== null) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.ok ? 'is empty' : parsed.reason });
  return z.NEVER;
});

const flag = z
  .enum(['1', 'true', 'on', '0', 'false'], 'must be 1 or 0')
  .transform((v) => v === '1' || v === 'true' || v === 'on');

/**
 * A keyset position: the (txn_at, id) of the row a page ends at. `txnAt` stays text with up to
 * microseconds, because txn_at falls back to now() when a provider time is missing, and a
 * millisecond Date would skip or repeat rows that share a millisecond.
 */
export interface Cursor {
  txnAt: string;
  id: number;
  /** Pages before this row (Previous) instead of after it (Next). */
  backward?: true;
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;

// Date.parse accepts 2025-02-30 and 24:00 (rolling them over); Postgres would refuse them.
function isExactInstant(at: string): boolean {
  const ms = CURSOR_AT.test(at) ? Date.parse(at) : NaN;
  return !Number.isNaN(ms) && at >= '1000' && new Date(ms).toISOString().slice(0, 19) === at.slice(0, 19);
}

export function encodeCursor(c: Cursor): string {
  const parts: unknown[] = [c.txnAt, c.id];
  if (c.backward) parts.push('prev');
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const cursorSchema = z.string().transform((v, ctx): Cursor => {
  try {
    const [at, id, dir, ...rest] = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as unknown[];
    const valid =
      typeof at === 'string' && isExactInstant(at) && Number.isSafeInteger(id) && (id as number) > 0 && (dir === undefined || dir === 'prev') && rest.length === 0;
    if (valid) return dir === 'prev' ? { txnAt: at, id: id as number, backward: true } : { txnAt: at, id: id as number };
  } catch {
    // fall through
  }
  ctx.addIssue({ code: 'custom', message: 'is not a cursor this server issued' });
  return z.NEVER;
});

/**
 * One schema for every transaction search: the read API, the dashboard and the CSV export.
 * Empty values count as absent. Fields are independent, so a lenient reader can drop one bad
 * field and keep the rest.
 */
export const transactionSearchSchema = z.object({
  // Stored text never holds NUL (lib/text.ts), so a search for one simply finds nothing.
  q: z
    .string()
    .trim()
    .max(SEARCH_Q_MAX, `must be at most ${SEARCH_Q_MAX} characters`)
    .transform((v) => storableText(v).text)
    .optional(),
  status: code.optional(),
  paymentMode: code.optional(),
  provider: z.string().trim().toLowerCase().pipe(z.enum(PROVIDERS, `must be one of ${PROVIDERS.join(', ')}`)).optional(),
  from: instant('start').optional(),
  to: instant('end').optional(),
  minAmount: amount.optional(),
  maxAmount: amount.optional(),
  flagged: flag.optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(PAGE_SIZE),
});

export type TransactionSearch = z.infer<typeof transactionSearchSchema>;
export type SearchField = keyof typeof transactionSearchSchema.shape;
export const SEARCH_FIELDS = Object.keys(transactionSearchSchema.shape) as SearchField[];

/** The known, non-empty parameters (the first value of each), as given. */
export function rawSearch(params: URLSearchParams): Partial<Record<SearchField, string>> {
  const raw: Partial<Record<SearchField, string>> = {};
  for (const key of SEARCH_FIELDS) {
    const value = params.get(key);
    if (value !== null && value.trim() !== '') raw[key] = value;
  }
  return raw;
}

/** Strict: any bad parameter fails the whole search (the API answers 400 with the field). */
export function searchFromParams(params: URLSearchParams): z.ZodSafeParseResult<TransactionSearch> {
  return transactionSearchSchema.safeParse(rawSearch(params));
}

export interface LenientSearch {
  search: TransactionSearch;
  /** The parameters that were kept, as given: for the form and for page links. */
  kept: Partial<Record<SearchField, string>>;
  /** One sentence per dropped parameter, for the person who sent it. */
  notices: string[];
}

const LABELS: Record<SearchField, string> = {
  q: 'search text',
  status: 'status',
  paymentMode: 'payment mode',
  provider: 'provider',
  from: '“from” date',
  to: '“to” date',
  minAmount: 'minimum amount',
  maxAmount: 'maximum amount',
  flagged: '“only flagged” value',
  cursor: 'page position',
  limit: 'page size',
};

/**
 * For pages: a bad parameter is dropped with a notice instead of failing the page, so a
 * mistyped filter or a stale link still shows payments.
 */
export function parseSearchLenient(params: URLSearchParams): LenientSearch {
  const kept = rawSearch(params);
  const notices: string[] = [];
  // Each round drops every field with an issue; fields are independent, so one round is enough.
  for (;;) {
    const parsed = transactionSearchSchema.safeParse(kept);
    if (parsed.success) return { search: parsed.data, kept, notices };
    const dropped = new Set<SearchField>();
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as SearchField;
      if (dropped.has(field) || !(field in kept)) continue;
      dropped.add(field);
      notices.push(noticeFor(field, kept[field]!, issue.message));
      delete kept[field];
    }
    if (dropped.size === 0) return { search: transactionSearchSchema.parse({}), kept: {}, notices };
  }
}

function noticeFor(field: SearchField, value: string, message: string): string {
  if (field === 'cursor') return 'That page link is not one this server issued, so this is the first page.';
  if (field === 'q') return `The search text was ignored: it ${message} (it had ${value.trim().length}).`;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `Ignored the ${LABELS[field]} “${shown}”: ${message.replace(/\.$/, '')}.`;
}

/**
 * What the search box means. Four digits are a card's last four. Text with no digit and three
 * letters in a row may be a cardholder-name fragment (it still matches ids exactly too, since
 * an order id may be letters only). Anything else is an exact id.
 */
export type SearchTerm =
  | { kind: 'last4'; value: string }
  | { kind: 'id'; value: string }
  | { kind: 'name'; value: string; pattern: string };

export function classifyQuery(q: string): SearchTerm {
  if (/^\d{4}$/.test(q)) return { kind: 'last4', value: q };
  // Three ASCII letters in a row guarantee a trigram the GIN index can look up; without one
  // (`%%%`, `a b`) pg_trgm would scan the whole index. Names on cards are Latin letters.
  if (!/\d/.test(q) && /[A-Za-z]{3}/.test(q)) return { kind: 'name', value: q, pattern: `%${escapeLike(q)}%` };
  return { kind: 'id', value: q };
}

/** Makes text match itself literally in LIKE/ILIKE (whose default escape is the backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A page's query string with `changes` applied; null/undefined remove a parameter. */
export function searchHref(path: string, kept: Partial<Record<SearchField, string>>, changes: Partial<Record<SearchField, string | null>> = {}): string {
  const params = new URLSearchParams();
  for (const key of SEARCH_FIELDS) {
    const value = key in changes ? changes[key] : kept[key];
    if (value) params.set(key, value);
  }
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

/** A page's `searchParams` object as URLSearchParams (a repeated key keeps its first value). */
export function toSearchParams(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(record)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, v);
  }
  return params;
}

/** The internal numeric id in /payments/[id]; anything else is not a payment (null). */
export function parsePaymentId(raw: string): number | null {
  if (!/^[1-9]\d{0,14}$/.test(raw)) return null;
  return Number(raw);
}
