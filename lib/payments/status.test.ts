import { describe, expect, it } from 'vitest';
import { enkashStatusInfo } from './status';

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
