import { z } from 'zod';
import { istDayRange, toIsoIst } from '@/lib/time';

export const DEFAULT_RANGE_DAYS = 30;
// generate_series makes one row per day: a bound keeps a typo like 0202 from making 650,000.
export const MAX_RANGE_DAYS = 366;

/** Whole IST days `from`..`to`, both included; [start, end) is the same span as instants. */
export interface FinanceRange {
  from: string;
  to: string;
  start: Date;
  end: Date;
  days: number;
}

const istDay = z.string().trim().refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && istDayRange(v) !== null, 'must be a date, YYYY-MM-DD');

export const financeRangeSchema = z
  .object({ from: istDay.optional(), to: istDay.optional() })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: 'from must not be after to', path: ['from'] })
  .refine((r) => !r.from || !r.to || dayCount(r.from, r.to) <= MAX_RANGE_DAYS, {
    message: `at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });

/** Today's date in India, `YYYY-MM-DD`. */
export function todayIst(now: Date = new Date()): string {
  return toIsoIst(now).slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const start = istDayRange(day);
  if (!start) throw new RangeError(`not a day: ${day}`);
  // Midnight IST plus whole days stays midnight IST: India has no daylight saving.
  return todayIst(new Date(start.start.getTime() + n * 86_400_000));
}

function dayCount(from: string, to: string): number {
  return Math.round((istDayRange(to)!.start.getTime() - istDayRange(from)!.start.getTime()) / 86_400_000) + 1;
}

function rangeOf(from: string, to: string): FinanceRange {
  return { from, to, start: istDayRange(from)!.start, end: istDayRange(to)!.end, days: dayCount(from, to) };
}

/**
 * The range the finance page shows: from/to as given, a missing `to` is today, a missing
 * `from` 30 days before `to`. Anything invalid falls back to the last 30 IST days and says why.
 */
export function financeRangeFromParams(
  params: { from?: string | string[]; to?: string | string[] },
  now: Date = new Date(),
): { range: FinanceRange; error: string | null } {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const parsed = financeRangeSchema.safeParse({ from: first(params.from), to: first(params.to) });
  const today = todayIst(now);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { range: rangeOf(addDays(today, 1 - DEFAULT_RANGE_DAYS), today), error: `${issue.path.join('.')} ${issue.message}` };
  }
  const to = parsed.data.to ?? (parsed.data.from && parsed.data.from > today ? parsed.data.from : today);
  const from = parsed.data.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  return { range: rangeOf(from, to), error: null };
}
