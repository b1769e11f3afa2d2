import { describe, expect, it } from 'vitest';
import { pastDeadlineBefore, TAT_RULES, tatFor } from './tat';

// Instants in IST (+05:30), as an agent reads them.
const ist = (s: string) => new Date(`${s}+05:30`);

describe('RBI turnaround (card-not-present: T+5, then ₹100 a day)', () => {
  it('counts IST calendar days, not 24-hour periods', () => {
    const v = tatFor({ txnAt: ist('2025-02-01T23:50:00'), paymentMode: 'CREDIT_CARD' }, ist('2025-02-02T00:10:00'));
    expect(v.daysElapsed).toBe(1);
    expect(v.returnBy.toISOString()).toBe(ist('2025-02-06T00:00:00').toISOString());
    expect(v.pastDeadline).toBe(false);
    expect(v.compensation).toBe('0.00');
  });
  it('is on time through the whole of T+5 and late from T+6', () => {
    const txnAt = ist('2025-02-01T10:00:00');
    expect(tatFor({ txnAt, paymentMode: null }, ist('2025-02-06T23:59:59')).pastDeadline).toBe(false);
    const late = tatFor({ txnAt, paymentMode: null }, ist('2025-02-09T08:00:00'));
    expect(late).toMatchObject({ pastDeadline: true, daysLate: 3, compensation: '300.00', daysElapsed: 8 });
  });
  it('says past deadline exactly for payments before midnight IST of today − 5', () => {
    const now = ist('2025-02-09T08:00:00');
    const cutoff = pastDeadlineBefore(now, TAT_RULES[0]);
    expect(cutoff.toISOString()).toBe(ist('2025-02-04T00:00:00').toISOString());
    expect(tatFor({ txnAt: new Date(cutoff.getTime() - 1), paymentMode: null }, now).pastDeadline).toBe(true);
    expect(tatFor({ txnAt: cutoff, paymentMode: null }, now).pastDeadline).toBe(false);
  });
});
