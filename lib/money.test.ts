import { describe, expect, it } from 'vitest';
import { addMoney, compareMoney, formatMoney, parseMoney } from './money';

describe('parseMoney', () => {
  it.each([
    ['500.00', '500.0000'],
    ['0.0000', '0.0000'],
    ['-12.5', '-12.5000'],
    ['-0', '0.0000'],
    ['-0.0000', '0.0000'],
    ['7', '7.0000'],
    ['007.10', '7.1000'],
    ['  42.1  ', '42.1000'],
    ['0.0001', '0.0001'],
    ['99999999999999.9999', '99999999999999.9999'],
    ['-99999999999999.9999', '-99999999999999.9999'],
  ])('reads %j as %s', (input, value) => {
    expect(parseMoney(input)).toEqual({ ok: true, value });
  });

  it('reads null and undefined as no amount', () => {
    expect(parseMoney(null)).toEqual({ ok: true, value: null });
    expect(parseMoney(undefined)).toEqual({ ok: true, value: null });
  });

  it('accepts safe integers and refuses other numbers', () => {
    expect(parseMoney(500)).toEqual({ ok: true, value: '500.0000' });
    expect(parseMoney(-3)).toEqual({ ok: true, value: '-3.0000' });
    expect(parseMoney(-0)).toEqual({ ok: true, value: '0.0000' });
    for (const n of [0.1, 500.5, Number.NaN, Infinity, 2 ** 53]) {
      const result = parseMoney(n);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/safe integer/);
    }
  });

  it('refuses a safe integer with more than 14 digits', () => {
    expect(parseMoney(123456789012345).ok).toBe(false);
  });

  it.each([
    '1e3',
    '1E3',
    '1.5e2',
    '+5',
    '1,000.00',
    '1 000',
    '.5',
    '5.',
    '5.00000',
    '123456789012345',
    '--1',
    '- 1',
    '',
    '   ',
    'NaN',
    'Infinity',
    '0x10',
    '５００',
    '500.00 INR',
  ])('refuses %j', (input) => {
    const result = parseMoney(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  });

  it.each([true, {}, [], 10n])('refuses a %s', (input) => {
    expect(parseMoney(input)).toMatchObject({ ok: false });
  });
});

describe('addMoney', () => {
  it('adds exactly where floats do not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addMoney('0.10', '0.20')).toBe('0.3000');
    expect(compareMoney(addMoney('0.10', '0.20'), '0.30')).toBe(0);
  });

  it('counts nulls as zero and sums nothing to zero', () => {
    expect(addMoney()).toBe('0.0000');
    expect(addMoney(null, '1.5', null)).toBe('1.5000');
  });

  it('handles negatives and big values', () => {
    expect(addMoney('500.0000', '-500.0001')).toBe('-0.0001');
    expect(addMoney('-1', '-0.5')).toBe('-1.5000');
    expect(addMoney('99999999999999.9999', '0.0001')).toBe('100000000000000.0000');
    expect(addMoney('99999999999999.9999', '99999999999999.9999')).toBe('199999999999999.9998');
  });

  it('sums many small amounts without drift', () => {
    expect(addMoney(...Array.from({ length: 10_000 }, () => '0.0001'))).toBe('1.0000');
  });

  it('throws on values that are not money', () => {
    expect(() => addMoney('1e3')).toThrow(TypeError);
    expect(() => addMoney('0.00001')).toThrow(TypeError);
  });
});

describe('compareMoney', () => {
  it('orders by value, not by text', () => {
    expect(compareMoney('10.00', '9.9999')).toBe(1);
    expect(compareMoney('-10', '-9')).toBe(-1);
    expect(compareMoney('500.00', '500.0000')).toBe(0);
    expect(compareMoney('-0', '0.0000')).toBe(0);
    expect(compareMoney('0.0001', '0')).toBe(1);
  });
});

describe('formatMoney', () => {
  it.each([
    ['500.0000', 2, '500.00'],
    ['0.0050', 2, '0.01'],
    ['0.0049', 2, '0.00'],
    ['-0.0050', 2, '-0.01'],
    ['-0.0049', 2, '0.00'],
    ['1.2345', 3, '1.235'],
    ['1.2344', 3, '1.234'],
    ['2.5', 0, '3'],
    ['-2.5', 0, '-3'],
    ['0.4999', 0, '0'],
    ['1.2345', 4, '1.2345'],
    ['9.995', 2, '10.00'],
    ['99999999999999.9999', 2, '100000000000000.00'],
    ['12', 2, '12.00'],
  ])('formats %s to %i decimals as %s', (value, decimals, shown) => {
    expect(formatMoney(value, decimals)).toBe(shown);
  });

  it('defaults to two decimals', () => {
    expect(formatMoney('0.1000')).toBe('0.10');
  });

  it('refuses decimals outside 0–4', () => {
    expect(() => formatMoney('1', 5)).toThrow(RangeError);
    expect(() => formatMoney('1', -1)).toThrow(RangeError);
    expect(() => formatMoney('1', 1.5)).toThrow(RangeError);
  });
});
