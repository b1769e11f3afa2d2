import { addMoney, compareMoney } from '@/lib/money';

export type AmountCheck =
  | { kind: 'ok'; expected: string }
  | { kind: 'mismatch'; expected: string; /** final − expected: positive when the customer paid more. */ difference: string }
  | { kind: 'incomplete' };

/**
 * amount + surcharge + surcharge GST against the final amount, exactly (BigInt, never floats).
 * Missing surcharges count as zero, as at ingest; without an amount or a final amount there is
 * nothing to check.
 */
export function checkAmounts(t: { amount: string | null; surcharge: string | null; surchargeGst: string | null; finalAmount: string | null }): AmountCheck {
  if (t.amount === null || t.finalAmount === null) return { kind: 'incomplete' };
  const expected = addMoney(t.amount, t.surcharge, t.surchargeGst);
  if (compareMoney(expected, t.finalAmount) === 0) return { kind: 'ok', expected };
  return { kind: 'mismatch', expected, difference: addMoney(t.finalAmount, negate(expected)) };
}

const negate = (value: string) => (value.startsWith('-') ? value.slice(1) : `-${value}`);
