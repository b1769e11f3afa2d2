/**
 * Turnaround times for failed transactions, RBI circular of 20 September 2019 ("Harmonisation of
 * Turn Around Time and customer compensation for failed transactions using authorised Payment
 * Systems"). The one table PayOps reads them from: the first row whose modes include the payment's
 * mode applies; a row without modes applies to any payment. Add a row (UPI, IMPS, …) here when the
 * merchant takes such payments; the default row is the one DESIGN.md states.
 */
export interface TatRule {
  id: string;
  /** What the circular calls the case, for people. */
  label: string;
  /** Payment modes it covers; null: every payment (the default row, last). */
  modes: readonly string[] | null;
  /** Auto-reversal by T + this many calendar days, T the IST day of the payment. */
  reverseWithinDays: number;
  /** Compensation to the customer per day of delay past that date, in whole rupees. */
  compensationPerDayRupees: number;
}

export const TAT_RULES: readonly TatRule[] = [
  {
    id: 'card_not_present',
    label: 'Card-not-present (e-commerce): account debited, merchant got no confirmation',
    modes: null,
    reverseWithinDays: 5,
    compensationPerDayRupees: 100,
  },
];

const DAY_MS = 86_400_000;
const IST_OFFSET_MS = 330 * 60_000;
/** The IST calendar day of an instant, as a day number (days since 1970-01-01 in IST). */
export const istDayNumber = (d: Date) => Math.floor((d.getTime() + IST_OFFSET_MS) / DAY_MS);
/** Midnight IST starting the day `dayNumber`. */
export const istDayStart = (dayNumber: number) => new Date(dayNumber * DAY_MS - IST_OFFSET_MS);

export function tatRuleFor(paymentMode: string | null, rules: readonly TatRule[] = TAT_RULES): TatRule {
  return rules.find((r) => r.modes === null || (paymentMode !== null && r.modes.includes(paymentMode))) ?? rules[rules.length - 1];
}

export interface TatView {
  rule: TatRule;
  /** Whole IST days since the payment's day (0 on the day itself). */
  daysElapsed: number;
  /** The last IST day by which the money must be back (T + n), as midnight IST starting it. */
  returnBy: Date;
  pastDeadline: boolean;
  daysLate: number;
  /** Compensation accrued so far, exact rupees with paise: "300.00". */
  compensation: string;
}

/** What an agent tells a customer: how long it has been, by when, and what is owed if late. */
export function tatFor(t: { txnAt: Date; paymentMode: string | null }, now: Date, rules: readonly TatRule[] = TAT_RULES): TatView {
  const rule = tatRuleFor(t.paymentMode, rules);
  const day = istDayNumber(t.txnAt);
  const today = istDayNumber(now);
  const daysElapsed = Math.max(0, today - day);
  const deadline = day + rule.reverseWithinDays;
  const daysLate = Math.max(0, today - deadline);
  // Whole rupees times whole days: integers, exact; shown with paise like every amount.
  return { rule, daysElapsed, returnBy: istDayStart(deadline), pastDeadline: daysLate > 0, daysLate, compensation: `${daysLate * rule.compensationPerDayRupees}.00` };
}

/**
 * The instant before which a payment under `rule` is past its deadline now: its IST day plus the
 * turnaround is before today, i.e. it began before midnight IST (today − days).
 */
export function pastDeadlineBefore(now: Date, rule: TatRule): Date {
  return istDayStart(istDayNumber(now) - rule.reverseWithinDays);
}
