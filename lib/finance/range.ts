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

const isDay = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && istDayRange(v) !== null;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const shortDay = (day: string) => `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
const shown = (v: string) => (v.length > 30 ? `${v.slice(0, 30)}…` : v);

/** Why a from/to pair cannot be a range, in words for the person who typed it; null when it can. */
export function rangeProblem(from: string | undefined, to: string | undefined): string | null {
  if (from !== undefined && !isDay(from)) return `the start “${shown(from)}” is not a day (write it as YYYY-MM-DD)`;
  if (to !== undefined && !isDay(to)) return `the end “${shown(to)}” is not a day (write it as YYYY-MM-DD)`;
  if (from && to && from > to) return `the start day (${shortDay(from)}) is after the end day (${shortDay(to)})`;
  if (from && to && dayCount(from, to) > MAX_RANGE_DAYS) return `it spans ${dayCount(from, to).toLocaleString('en-IN')} days, and the longest range is ${MAX_RANGE_DAYS}`;
  return null;
}

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

/** The same length of time just before `range`: what the page compares it with. */
export function previousRange(range: FinanceRange): FinanceRange {
  const to = addDays(range.from, -1);
  return rangeOf(addDays(to, 1 - range.days), to);
}

/**
 * The range the finance page shows: from/to as given, a missing `to` is today, a missing
 * `from` 30 days before `to`. Anything invalid falls back to the last 30 IST days and says why.
 */
export function financeRangeFromParams(
  params: { from?: string | string[]; to?: string | string[] },
  now: Date = new Date(),
): { range: FinanceRange; error: string | null } {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
  const given = { from: first(params.from), to: first(params.to) };
  const today = todayIst(now);
  const problem = rangeProblem(given.from, given.to);
  if (problem) return { range: rangeOf(addDays(today, 1 - DEFAULT_RANGE_DAYS), today), error: problem };
  const to = given.to ?? (given.from && given.from > today ? given.from : today);
  const from = given.from ?? addDays(to, 1 - DEFAULT_RANGE_DAYS);
  return { range: rangeOf(from, to), error: null };
}
