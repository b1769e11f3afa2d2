import { describe, expect, it } from 'vitest';
import { liftQuery, normalizeAmount } from './query-language';

const NOW = new Date('2025-03-10T06:30:00Z'); // 12:00 IST

describe('the search box language', () => {
  it('lifts status, mode, provider and flagged, in any case, leaving the rest as text', () => {
    expect(liftQuery('status:failed mode:upi EK1738', NOW)).toEqual({ fields: { status: 'FAILED', paymentMode: 'UPI' }, text: 'EK1738' });
    expect(liftQuery('status:"pending with bank"', NOW).fields).toEqual({ status: 'PENDING_WITH_BANK' });
    expect(liftQuery('Status:pending-with-bank method:net_banking provider:Juspay is:flagged', NOW).fields).toEqual({
      status: 'PENDING_WITH_BANK',
      paymentMode: 'NET_BANKING',
      provider: 'juspay',
      flagged: '1',
    });
    expect(liftQuery('flagged', NOW)).toEqual({ fields: { flagged: '1' }, text: '' });
  });

  it('reads amount comparisons exactly, to the fourth decimal', () => {
    expect(liftQuery('>5000', NOW).fields).toEqual({ minAmount: '5000.0001' });
    expect(liftQuery('>= 5000', NOW).fields).toEqual({ minAmount: '5000.0000' });
    expect(liftQuery('<100', NOW).fields).toEqual({ maxAmount: '99.9999' });
    expect(liftQuery('<=₹1,00,000', NOW).fields).toEqual({ maxAmount: '100000.0000' });
    expect(liftQuery('=1499.5', NOW).fields).toEqual({ minAmount: '1499.5000', maxAmount: '1499.5000' });
    expect(liftQuery('amount:>2000 amount:<3000', NOW).fields).toEqual({ minAmount: '2000.0001', maxAmount: '2999.9999' });
  });

  it('reads a bare amount only when it cannot be an id', () => {
    expect(liftQuery('1499.50', NOW)).toEqual({ fields: { minAmount: '1499.5000', maxAmount: '1499.5000' }, text: '' });
    expect(liftQuery('₹ 1,499', NOW).fields).toEqual({ minAmount: '1499.0000', maxAmount: '1499.0000' });
    expect(liftQuery('1,00,000', NOW).fields).toEqual({ minAmount: '100000.0000', maxAmount: '100000.0000' });
    for (const id of ['5000', '000012345678', 'EK1738916997652yh8GL', 'ORD-1000001', 'txn_e2e_1']) expect(liftQuery(id, NOW), id).toEqual({ fields: {}, text: id });
  });

  it('reads days as IST days, today and yesterday included', () => {
    expect(liftQuery('date:today', NOW).fields).toEqual({ from: '2025-03-10', to: '2025-03-10' });
    expect(liftQuery('from:yesterday to:2025-03-10', NOW).fields).toEqual({ from: '2025-03-09', to: '2025-03-10' });
  });

  it('keeps what it does not understand as text', () => {
    expect(liftQuery('colour:blue Rahul', NOW)).toEqual({ fields: {}, text: 'colour:blue Rahul' });
    expect(liftQuery('amount:lots', NOW).text).toBe('amount:lots');
    expect(liftQuery('  Lakshmi   Subramanian ', NOW).text).toBe('Lakshmi Subramanian');
  });
});

describe('amounts as typed', () => {
  it('accepts grouping and a rupee sign, refuses anything inexact', () => {
    expect(normalizeAmount('1,00,000')).toBe('100000.0000');
    expect(normalizeAmount('Rs. 2,500.75')).toBe('2500.7500');
    expect(normalizeAmount('1 00 000')).toBe('100000.0000');
    for (const bad of ['1e3', '12.34567', 'abc', '', '1..2', '0x10']) expect(normalizeAmount(bad), bad).toBeNull();
  });
});
