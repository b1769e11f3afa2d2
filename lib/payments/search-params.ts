import { z } from 'zod';
import { storableText } from '@/lib/text';
import { istDayRange } from '@/lib/time';
import { liftQuery, normalizeAmount } from './query-language';

export const SEARCH_Q_MAX = 200;
export const PAGE_SIZE = 50;
export const PROVIDERS = ['enkash', 'juspay'] as const;
/** The list's orders. `newest` is the default and never written into a URL. */
export const SORTS = ['newest', 'oldest', 'amount_desc', 'amount_asc'] as const;
export type Sort = (typeof SORTS)[number];

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

/**
 * An exact decimal amount, canonical (four decimals), compared as numeric in SQL. Typed the way
 * people write amounts: `1,00,000`, `₹1,499.50` and `1499.5` all read.
 */
const amount = z.string().transform((v, ctx) => {
  const value = normalizeAmount(v);
  if (value !== null) return value;
  ctx.addIssue({ code: 'custom', message: 'is not an amount in rupees, such as 1499.50 or 1,00,000 (at most 4 decimals)' });
  return z.NEVER;
});

const flag = z
  .enum(['1', 'true', 'on', '0', 'false'], 'must be 1 or 0')
  .transform((v) => v === '1' || v === 'true' || v === 'on');

/**
 * A keyset position: the sort key and id of the row a page ends at. For the time orders the key
 * is txn_at as text with up to microseconds (txn_at falls back to now() when a provider time is
 * missing, and a millisecond Date would skip or repeat rows that share a millisecond); for the
 * amount orders it is the final amount (missing amounts sort as AMOUNT_SORT_NULL).
 */
export interface Cursor {
  key: string;
  id: number;
  /** Pages before this row (Previous) instead of after it (Next). */
  backward?: true;
  /** Where the page it leads to starts (0 = the first row), only to say "51–100 of …". */
  start?: number;
  /** The order the cursor was issued for; absent means newest. */
  sort?: Sort;
}

/** Where a payment without a final amount sorts by amount: below any storable numeric(18,4). */
export const AMOUNT_SORT_NULL = '-100000000000000';

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$/;
const CURSOR_AMOUNT = /^-?\d{1,15}(?:\.\d{1,4})?$/;

// Date.parse accepts 2025-02-30 and 24:00 (rolling them over); Postgres would refuse them.
function isExactInstant(at: string): boolean {
  const ms = CURSOR_AT.test(at) ? Date.parse(at) : NaN;
  return !Number.isNaN(ms) && at >= '1000' && new Date(ms).toISOString().slice(0, 19) === at.slice(0, 19);
}

export const isAmountSort = (sort: Sort | undefined) => sort === 'amount_desc' || sort === 'amount_asc';

export function encodeCursor(c: Cursor): string {
  const parts: unknown[] = [c.key, c.id];
  const extended = c.start !== undefined || (c.sort && c.sort !== 'newest');
  if (c.backward || extended) parts.push(c.backward ? 'prev' : 'next');
  if (extended) parts.push(c.start ?? 0, c.sort ?? 'newest');
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const cursorSchema = z.string().transform((v, ctx): Cursor => {
  try {
    // [key, id], [key, id, 'prev'], or [key, id, 'prev'|'next', start, sort].
    const [key, id, dir, start, sort, ...rest] = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as unknown[];
    const order = (sort ?? 'newest') as Sort;
    const keyOk = typeof key === 'string' && (isAmountSort(order) ? CURSOR_AMOUNT.test(key) : isExactInstant(key));
    const valid =
      keyOk &&
      Number.isSafeInteger(id) &&
      (id as number) > 0 &&
      (dir === undefined || dir === 'prev' || (dir === 'next' && start !== undefined)) &&
      (start === undefined || (Number.isSafeInteger(start) && (start as number) >= 0 && sort !== undefined)) &&
      (SORTS as readonly unknown[]).includes(order) &&
      rest.length === 0;
    if (valid) {
      const c: Cursor = { key: key as string, id: id as number };
      if (dir === 'prev') c.backward = true;
      if (start !== undefined) c.start = start as number;
      if (sort !== undefined && sort !== 'newest') c.sort = order;
      return c;
    }
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
  // Cases (issue 10): open (some flag still needs a person), resolved (every case resolved), mine.
  review: z.enum(['open', 'resolved', 'mine'], 'must be open, resolved or mine').optional(),
  sort: z.enum(SORTS, `must be one of ${SORTS.join(', ')}`).optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int({ error: 'must be a whole number from 1 to 200' })
    .min(1, { error: 'must be a whole number from 1 to 200' })
    .max(200, { error: 'must be a whole number from 1 to 200' })
    .default(PAGE_SIZE),
});

export type TransactionSearch = z.infer<typeof transactionSearchSchema>;
export type SearchField = keyof typeof transactionSearchSchema.shape;
export const SEARCH_FIELDS = Object.keys(transactionSearchSchema.shape) as SearchField[];

/**
 * The known, non-empty parameters (the first value of each), as given — except that filters
 * typed into the search text (`status:failed >5000`, lib/payments/query-language.ts) are lifted
 * out of `q` into their own parameters, where they win over the same parameter given apart.
 */
export function rawSearch(params: URLSearchParams): Partial<Record<SearchField, string>> {
  const raw: Partial<Record<SearchField, string>> = {};
  for (const key of SEARCH_FIELDS) {
    const value = params.get(key);
    if (value !== null && value.trim() !== '') raw[key] = value;
  }
  if (raw.q !== undefined && raw.q.length <= SEARCH_Q_MAX) {
    const lifted = liftQuery(raw.q);
    Object.assign(raw, lifted.fields);
    if (lifted.text.trim()) raw.q = lifted.text;
    else delete raw.q;
  }
  if (raw.sort === 'newest') delete raw.sort;
  return raw;
}

/** A cursor from another order is a stale link: it cannot position this one. */
function cursorFitsSort(search: TransactionSearch): boolean {
  return !search.cursor || (search.cursor.sort ?? 'newest') === (search.sort ?? 'newest');
}

const STALE_CURSOR = { code: 'custom' as const, path: ['cursor'], message: 'is not a cursor this server issued' };

/** Strict: any bad parameter fails the whole search (the API answers 400 with the field). */
export function searchFromParams(params: URLSearchParams): z.ZodSafeParseResult<TransactionSearch> {
  const parsed = transactionSearchSchema.safeParse(rawSearch(params));
  if (parsed.success && !cursorFitsSort(parsed.data)) {
    const error = new z.ZodError([{ ...STALE_CURSOR, input: params.get('cursor') }]) as z.ZodError<TransactionSearch>;
    return { success: false, error, data: undefined };
  }
  return parsed;
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
  review: 'review state',
  sort: 'order',
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
    if (parsed.success && !cursorFitsSort(parsed.data)) {
      notices.push(noticeFor('cursor', kept.cursor!, ''));
      delete kept.cursor;
      delete parsed.data.cursor;
    }
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
 * What the search text means once its filters are lifted out. Four digits are a card's last
 * four. Text with no digit and three letters in a row may be a cardholder-name fragment (it
 * still matches ids too, since an order id may be letters only); shorter letters-only text is
 * `short`: an id, or a name still being typed. Anything else is an id: any of the four provider
 * ids, in any case, whole or (from ID_PREFIX_MIN characters) its beginning; all digits may also
 * be PayOps' own id.
 */
export type SearchTerm =
  | { kind: 'last4'; value: string }
  | { kind: 'id'; value: string }
  | { kind: 'short'; value: string }
  | { kind: 'name'; value: string; pattern: string };

/** Characters from which an id also matches as the beginning of a longer id. */
export const ID_PREFIX_MIN = 6;

export function classifyQuery(q: string): SearchTerm {
  if (/^\d{4}$/.test(q)) return { kind: 'last4', value: q };
  // Three ASCII letters in a row guarantee a trigram the GIN index can look up; without one
  // (`%%%`, `a b`) pg_trgm would scan the whole index. Names on cards are Latin letters.
  if (!/\d/.test(q) && /[A-Za-z]{3}/.test(q)) return { kind: 'name', value: q, pattern: `%${escapeLike(q)}%` };
  if (/^[A-Za-z][A-Za-z .'-]?$/.test(q)) return { kind: 'short', value: q };
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
