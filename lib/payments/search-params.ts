import { z } from 'zod';
import { storableText } from '@/lib/text';
import { istDayRange } from '@/lib/time';

export const SEARCH_Q_MAX = 200;

const code = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_]{1,40}$/, 'must be an upper-case code such as SUCCESS');

/** `YYYY-MM-DD` is a whole IST day; anything else must be ISO-8601 with a zone. */
const instant = (edge: 'start' | 'end') =>
  z.string().trim().transform((v, ctx) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      const day = istDayRange(v);
      if (day) return edge === 'start' ? day.start : day.end;
    } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(v)) {
      const d = new Date(v);
      if (!Number.isNaN(d.getTime())) return d;
    }
    ctx.addIssue({ code: 'custom', message: 'must be a date (YYYY-MM-DD, an IST day) or ISO-8601 with a zone' });
    return z.NEVER;
  });

export interface Cursor {
  txnAt: Date;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.txnAt.toISOString(), c.id])).toString('base64url');
}

const cursorSchema = z.string().transform((v, ctx): Cursor => {
  try {
    const [at, id] = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as [unknown, unknown];
    const txnAt = new Date(String(at));
    if (typeof at === 'string' && !Number.isNaN(txnAt.getTime()) && Number.isSafeInteger(id) && (id as number) > 0) {
      return { txnAt, id: id as number };
    }
  } catch {
    // fall through
  }
  ctx.addIssue({ code: 'custom', message: 'is not a cursor this server issued' });
  return z.NEVER;
});

/**
 * One schema for every transaction search: the read API today, the dashboard and CSV export
 * later. Empty values count as absent.
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
  from: instant('start').optional(),
  to: instant('end').optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type TransactionSearch = z.infer<typeof transactionSearchSchema>;

export function searchFromParams(params: URLSearchParams): z.ZodSafeParseResult<TransactionSearch> {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(transactionSearchSchema.shape)) {
    const value = params.get(key);
    if (value !== null && value.trim() !== '') raw[key] = value;
  }
  return transactionSearchSchema.safeParse(raw);
}

/** What the search box means: four digits are a card's last four, anything else an exact id. */
export type SearchTerm = { kind: 'last4'; value: string } | { kind: 'id'; value: string };

export function classifyQuery(q: string): SearchTerm {
  return /^\d{4}$/.test(q) ? { kind: 'last4', value: q } : { kind: 'id', value: q };
}
