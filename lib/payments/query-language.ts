/**
 * What the one search box understands besides an id, a last four or a name: filters typed as
 * words. Browser-safe: the search box lifts them into the filter chips before navigating, and
 * the server lifts them again from a pasted or API `q`, so a URL means the same everywhere.
 *
 *   status:failed  status:"pending with bank"  mode:upi  provider:juspay  is:flagged
 *   >5000  >=5000  <100  <=100  =1499.50  1499.50  ₹1,00,000  amount:>5000
 *   from:2025-03-01  to:2025-03-31  date:2025-03-10  date:today  date:yesterday
 *
 * Anything else stays search text. Values are handed on as raw strings: the search schema
 * validates them exactly as it validates the matching URL parameter.
 */
import { addMoney, parseMoney } from '@/lib/money';
import { toIsoIst } from '@/lib/time';

export type LiftedField = 'status' | 'paymentMode' | 'provider' | 'flagged' | 'minAmount' | 'maxAmount' | 'from' | 'to';

export interface LiftedQuery {
  /** Filters found in the text, as URL parameter values. */
  fields: Partial<Record<LiftedField, string>>;
  /** The text that is left, single-spaced; '' when the box held only filters. */
  text: string;
}

const KEY_ALIASES: Record<string, 'status' | 'mode' | 'provider' | 'is' | 'amount' | 'from' | 'to' | 'date'> = {
  status: 'status',
  mode: 'mode',
  method: 'mode',
  paymentmode: 'mode',
  provider: 'provider',
  is: 'is',
  amount: 'amount',
  from: 'from',
  to: 'to',
  date: 'date',
  day: 'date',
};

/**
 * An amount as people type it: `1499.50`, `₹1,499.50`, `Rs 1,00,000`, `1 00 000`. Commas and
 * spaces between digits are grouping (Indian or Western), never decimals. Null when it is not one.
 */
export function normalizeAmount(input: string): string | null {
  const text = input
    .trim()
    .replace(/^(?:₹|rs\.?|inr)\s*/i, '')
    .replace(/(?<=\d)[,\s_](?=\d)/g, '');
  const parsed = parseMoney(text);
  return parsed.ok && parsed.value !== null ? parsed.value : null;
}

// A bare token is an amount only when it cannot be an id: it has a currency sign, a decimal
// point or digit grouping. `5000` stays an id (bank references are all digits).
const BARE_AMOUNT = /^(?:(?:₹|rs\.?|inr)\s*\d[\d,]*(?:\.\d{1,4})?|\d{1,3}(?:,\d{2,3})+(?:\.\d{1,4})?|\d+\.\d{1,4})$/i;
const COMPARISON = /^(>=|<=|>|<|=)\s*(.+)$/;
const ONE_PAISA_UNIT = '0.0001';

const code = (value: string) => value.trim().toUpperCase().replace(/[\s-]+/g, '_');

/** Splits on spaces, keeping `key:"two words"` and `"quoted text"` together. */
function tokenize(q: string): string[] {
  const tokens: string[] = [];
  // `> 5000` and `₹ 1,499` are one token each, as typed without the space.
  const joined = q.replace(/(>=|<=|>|<|=)\s+(?=[₹\d])/g, '$1').replace(/(₹|\brs\.?|\binr)\s+(?=\d)/gi, '$1');
  const re = /(?:[^\s"]+:"[^"]*"?|"[^"]*"?|[^\s]+)/g;
  for (const m of joined.matchAll(re)) tokens.push(m[0]);
  return tokens;
}

const unquote = (v: string) => v.replace(/^"/, '').replace(/"$/, '');

function istDay(word: string, now: Date): string | null {
  const lower = word.toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}$/.test(word)) return word;
  const today = toIsoIst(now).slice(0, 10);
  if (lower === 'today') return today;
  if (lower === 'yesterday') return toIsoIst(new Date(now.getTime() - 86_400_000)).slice(0, 10);
  return null;
}

/** Sets the amount bounds a comparison means; false when the value is not an amount. */
function liftAmount(fields: LiftedQuery['fields'], op: string, raw: string): boolean {
  const value = normalizeAmount(raw);
  if (value === null) return false;
  // Amounts are stored to four decimals, so "> x" is ">= x + 0.0001" exactly.
  if (op === '>') fields.minAmount = addMoney(value, ONE_PAISA_UNIT);
  else if (op === '>=') fields.minAmount = value;
  else if (op === '<') fields.maxAmount = addMoney(value, `-${ONE_PAISA_UNIT}`);
  else if (op === '<=') fields.maxAmount = value;
  else {
    fields.minAmount = value;
    fields.maxAmount = value;
  }
  return true;
}

export function liftQuery(q: string, now: Date = new Date()): LiftedQuery {
  const fields: LiftedQuery['fields'] = {};
  const rest: string[] = [];
  for (const token of tokenize(q)) {
    const keyed = /^([a-z]+):(.+)$/i.exec(token);
    const key = keyed ? KEY_ALIASES[keyed[1].toLowerCase()] : undefined;
    if (keyed && key) {
      const value = unquote(keyed[2]);
      if (key === 'status' && value) fields.status = code(value);
      else if (key === 'mode' && value) fields.paymentMode = code(value);
      else if (key === 'provider' && value) fields.provider = value.trim().toLowerCase();
      else if (key === 'is' && /^flagged$/i.test(value)) fields.flagged = '1';
      else if (key === 'amount' && liftAmount(fields, COMPARISON.exec(value)?.[1] ?? '=', COMPARISON.exec(value)?.[2] ?? value)) {
        // lifted
      } else if ((key === 'from' || key === 'to' || key === 'date') && istDay(value, now)) {
        const day = istDay(value, now)!;
        if (key !== 'to') fields.from = day;
        if (key !== 'from') fields.to = day;
      } else rest.push(token);
      continue;
    }
    if (/^flagged$/i.test(token)) {
      fields.flagged = '1';
      continue;
    }
    const comparison = COMPARISON.exec(token);
    if (comparison && liftAmount(fields, comparison[1], comparison[2])) continue;
    if (BARE_AMOUNT.test(token) && liftAmount(fields, '=', token)) continue;
    rest.push(token);
  }
  return { fields, text: rest.join(' ') };
}
