import { describe, expect, it } from 'vitest';
import { enkashStatusInfo, juspayPaymentMode, juspayStatusInfo, statusInfo } from './status';

describe('Enkash status precedence', () => {
  it('ranks open statuses below final ones and refunds above success', () => {
    const rank = (s: string) => enkashStatusInfo(s).rank;
    expect(rank('CREATED')).toBeLessThan(rank('PENDING_WITH_BANK'));
    expect(rank('PENDING_WITH_BANK')).toBeLessThan(rank('SUCCESS'));
    expect(rank('SUCCESS')).toBe(rank('FAILED'));
    expect(rank('SUCCESS')).toBeLessThan(rank('PARTIALLY_REFUNDED'));
    expect(rank('PARTIALLY_REFUNDED')).toBeLessThan(rank('REFUNDED'));
    expect(enkashStatusInfo('REFUNDED').family).toBe('success');
  });

  it('keeps unknown statuses at the bottom, marked unknown', () => {
    expect(enkashStatusInfo('BRAND_NEW')).toEqual({ rank: 0, family: 'open', known: false });
    expect(enkashStatusInfo('success').known).toBe(false);
  });
});

describe('Juspay status precedence', () => {
  it('moves an OTP wait forward to a final status, and keeps final families apart', () => {
    const info = (s: string) => juspayStatusInfo(s);
    expect(info('NEW').rank).toBeLessThan(info('PENDING_VBV').rank);
    expect(info('PENDING_VBV').rank).toBeLessThan(info('AUTHORIZED').rank);
    expect(info('AUTHORIZED').rank).toBeLessThan(info('CHARGED').rank);
    expect(info('CHARGED')).toEqual({ rank: 50, family: 'success', known: true });
    for (const failed of ['AUTHENTICATION_FAILED', 'AUTHORIZATION_FAILED', 'JUSPAY_DECLINED']) expect(info(failed)).toEqual({ rank: 50, family: 'failed', known: true });
    expect(info('AUTO_REFUNDED').rank).toBeGreaterThan(info('CHARGED').rank);
    expect(info('SUCCESS').known).toBe(false);
  });

  it('picks the table by provider, and never takes an inherited property for a status', () => {
    expect(statusInfo('juspay', 'CHARGED').known).toBe(true);
    expect(statusInfo('enkash', 'CHARGED').known).toBe(false);
    expect(statusInfo('enkash', 'SUCCESS').known).toBe(true);
    expect(enkashStatusInfo('constructor')).toEqual({ rank: 0, family: 'open', known: false });
    expect(juspayStatusInfo('__proto__')).toEqual({ rank: 0, family: 'open', known: false });
  });

  it('maps Juspay payment method types to the modes PayOps uses', () => {
    expect(juspayPaymentMode('CARD', 'CREDIT')).toBe('CREDIT_CARD');
    expect(juspayPaymentMode('CARD', null)).toBe('CARD');
    expect(juspayPaymentMode('UPI', null)).toBe('UPI');
    expect(juspayPaymentMode('NB', null)).toBe('NET_BANKING');
    expect(juspayPaymentMode('SOMETHING', null)).toBe('SOMETHING');
    expect(juspayPaymentMode(null, 'CREDIT')).toBeNull();
  });
});
