import { describe, expect, it } from 'vitest';
import { compactInr, dayLabel, moneyAxis, moneyUnits, shareOf } from './chart';

describe('chart geometry', () => {
  it('reads numeric text exactly', () => {
    expect(moneyUnits('12.5')).toBe(125_000n);
    expect(moneyUnits('0.0001')).toBe(1n);
    expect(moneyUnits('-3.2500')).toBe(-32_500n);
    expect(moneyUnits('199999999999999.9999')).toBe(1_999_999_999_999_999_999n);
    expect(() => moneyUnits('1e5')).toThrow(TypeError);
  });

  it.each([
    ['0.0000', 4n, [0n, 1n, 2n, 3n, 4n]],
    ['0.0001', 1n, [0n, 1n]],
    ['3.0000', 3n, [0n, 1n, 2n, 3n]],
    ['101.0000', 150n, [0n, 50n, 100n, 150n]],
    ['180000.0000', 200_000n, [0n, 50_000n, 100_000n, 150_000n, 200_000n]],
    ['8000001.0000', 10_000_000n, [0n, 5_000_000n, 10_000_000n]],
  ])('puts %s under a round top', (max, top, ticks) => {
    expect(moneyAxis(max)).toEqual({ top, ticks });
  });

  it('gives shares of the axis top, clamped to 0–1', () => {
    expect(shareOf('50.0000', 200n)).toBe(0.25);
    expect(shareOf('0.0000', 200n)).toBe(0);
    expect(shareOf('250.0000', 200n)).toBe(1);
    expect(shareOf('-5.0000', 200n)).toBe(0);
    expect(shareOf('5.0000', 0n)).toBe(0);
    // A float would lose the last digit of this sum; the share is still exact.
    expect(shareOf('99999999999999.9999', 200_000_000_000_000n)).toBe(0.4999);
  });

  it('writes rupees in Indian short scale', () => {
    expect(compactInr(0n)).toBe('₹0');
    expect(compactInr(750n)).toBe('₹750');
    expect(compactInr(2_500n)).toBe('₹2.5K');
    expect(compactInr(50_000n)).toBe('₹50K');
    expect(compactInr(150_000n)).toBe('₹1.5L');
    expect(compactInr(1_000_000n)).toBe('₹10L');
    expect(compactInr(30_000_000n)).toBe('₹3Cr');
  });

  it('labels IST days', () => {
    expect(dayLabel('2025-02-07')).toBe('7 Feb');
    expect(dayLabel('2025-02-07', true)).toBe('Fri, 7 Feb 2025');
    expect(dayLabel('2024-02-29', true)).toBe('Thu, 29 Feb 2024');
  });
});
