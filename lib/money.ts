// Exact money as decimal strings with four decimals, the scale of Postgres numeric(18,4).
// Arithmetic runs on BigInt counts of 1/10^4 units: never a JS float, never `x * 100`.

const SCALE = 4;
const UNIT = 10n ** BigInt(SCALE);

export type ParsedMoney = { ok: true; value: string | null } | { ok: false; reason: string };

const MONEY_INPUT = /^-?\d{1,14}(?:\.\d{1,4})?$/;
// Looser shape for values already inside the app (sums may outgrow 14 integer digits).
const MONEY_VALUE = /^-?\d+(?:\.\d{1,4})?$/;

/**
 * Parses an amount from outside (a provider payload, a form, a query) into its canonical
 * form with exactly four decimals. null/undefined mean "no amount" and give null.
 */
export function parseMoney(input: unknown): ParsedMoney {
  if (input === null || input === undefined) return { ok: true, value: null };
  let text: string;
  if (typeof input === 'number') {
    // A float such as 0.1 has already lost digits; decimals must arrive as text.
    if (!Number.isSafeInteger(input)) {
      return { ok: false, reason: 'a number amount must be a safe integer; send decimals as text' };
    }
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    return { ok: false, reason: `an amount must be a string, not ${typeof input}` };
  }
  if (text === '') return { ok: false, reason: 'the amount is empty' };
  if (!MONEY_INPUT.test(text)) {
    return {
      ok: false,
      reason: 'an amount must be a plain decimal: optional "-", at most 14 integer digits and 4 decimals',
    };
  }
  return { ok: true, value: fromUnits(toUnits(text)) };
}

/** Sum of the values, nulls counting as zero, in canonical form. */
export function addMoney(...values: (string | null)[]): string {
  let total = 0n;
  for (const value of values) if (value !== null) total += toUnits(value);
  return fromUnits(total);
}

export function compareMoney(a: string, b: string): -1 | 0 | 1 {
  const x = toUnits(a);
  const y = toUnits(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** For display only: rounds half away from zero to `decimals` places (0–4). */
export function formatMoney(value: string, decimals = 2): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > SCALE) {
    throw new RangeError(`decimals must be an integer from 0 to ${SCALE}`);
  }
  const units = toUnits(value);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const step = 10n ** BigInt(SCALE - decimals);
  let rounded = magnitude / step;
  if ((magnitude % step) * 2n >= step) rounded += 1n;

  const digits = rounded.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  // No "-0.00": a value that rounds to zero is shown without a sign.
  const sign = negative && rounded !== 0n ? '-' : '';
  return sign + whole + (decimals > 0 ? '.' + fraction : '');
}

function toUnits(value: string): bigint {
  const text = value.trim();
  if (!MONEY_VALUE.test(text)) throw new TypeError('not a money value');
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const units = BigInt(whole) * UNIT + BigInt(fraction.padEnd(SCALE, '0'));
  return negative ? -units : units;
}

function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / UNIT;
  const fraction = (magnitude % UNIT).toString().padStart(SCALE, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** 1234567.50 → 12,34,567.50 (Indian digit grouping), for display. */
export function groupIndian(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [int, frac] = (negative ? decimal.slice(1) : decimal).split('.');
  const last3 = int.slice(-3);
  const rest = int.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  const grouped = rest ? `${rest},${last3}` : last3;
  return `${negative ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** Rupees for a sentence: "1,299.50" (two decimals, Indian grouping). */
export const rupeesText = (value: string) => groupIndian(formatMoney(value, 2));
