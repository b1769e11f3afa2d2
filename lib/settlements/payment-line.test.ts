import { describe, expect, it } from 'vitest';
import { settlementStatement } from './payment-line';

const due = { default: 3, modes: { UPI: 2 } };
const now = new Date('2026-11-29T06:00:00Z');
const payment = { provider: 'enkash', statusFamily: 'success', txnAt: new Date('2026-11-27T06:00:00Z'), paymentMode: 'CREDIT_CARD' };
const line = { payoutRowId: 7, payoutId: 'SP20261128', payoutAt: new Date('2026-11-28T05:15:00Z'), utr: 'UTR123', transactionType: 'SALE', saleAmount: '500.0000', charges: '9.0000', taxAmount: '1.6200', outcome: 'matched' };

describe('what the payment page says about settlement', () => {
  it('names the payout, UTR, fee and GST of a settled payment', () => {
    expect(settlementStatement(payment, [line], [], due, now)).toEqual({
      tone: 'ok',
      text: 'Settled on 28 Nov 2026 in payout SP20261128 (UTR UTR123), fee ₹9.00 + GST ₹1.62.',
      link: { href: '/settlements/7', label: 'Payout SP20261128' },
    });
  });

  it('adds a refund taken off and an open exception', () => {
    const refund = { ...line, transactionType: 'REFUND', saleAmount: '-200.0000', charges: '0', taxAmount: '0' };
    const s = settlementStatement(payment, [line, refund], [{ id: 4, kind: 'excess_fee', state: 'open', summary: 'Charges + GST ₹10.62 against ₹9.00 contracted' }], due, now);
    expect(s.tone).toBe('problem');
    expect(s.text).toContain('refund ₹200.00 taken off in payout SP20261128');
    expect(s.link?.label).toBe('Exception #4');
  });

  it('says why not: not Enkash, not successful, not due yet, overdue', () => {
    expect(settlementStatement({ ...payment, provider: 'juspay' }, [], [], due, now).tone).toBe('none');
    expect(settlementStatement({ ...payment, statusFamily: 'failed' }, [], [], due, now).text).toMatch(/only successful payments/);
    expect(settlementStatement(payment, [], [], due, now).text).toBe('Not settled yet: expected in a payout by 30 Nov 2026 (T+3).');
    expect(settlementStatement({ ...payment, paymentMode: 'UPI', txnAt: new Date('2026-11-26T06:00:00Z') }, [], [], due, now).tone).toBe('problem');
  });
});
