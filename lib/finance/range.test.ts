import { describe, expect, it } from 'vitest';
import { addDays, financeRangeFromParams, previousRange, todayIst } from './range';

// 2025-02-07 20:00 UTC is already 2025-02-08 01:30 in India.
const NOW = new Date('2025-02-07T20:00:00Z');

describe('finance range', () => {
  it('knows today in India, not in UTC', () => {
    expect(todayIst(NOW)).toBe('2025-02-08');
    expect(todayIst(new Date('2025-02-07T18:29:59Z'))).toBe('2025-02-07');
  });

  it('defaults to the last 30 IST days, today included', () => {
    const { range, error } = financeRangeFromParams({}, NOW);
    expect(error).toBeNull();
    expect(range).toMatchObject({ from: '2025-01-10', to: '2025-02-08', days: 30 });
    expect(range.start.toISOString()).toBe('2025-01-09T18:30:00.000Z');
    expect(range.end.toISOString()).toBe('2025-02-08T18:30:00.000Z');
  });

  it('takes from/to as whole IST days, both included', () => {
    const { range } = financeRangeFromParams({ from: '2024-02-28', to: '2024-03-01' }, NOW);
    expect(range).toMatchObject({ from: '2024-02-28', to: '2024-03-01', days: 3 });
    expect(range.start.toISOString()).toBe('2024-02-27T18:30:00.000Z');
    expect(range.end.toISOString()).toBe('2024-03-01T18:30:00.000Z');
  });

  it('fills a missing end with today and a missing start with 30 days before the end', () => {
    expect(financeRangeFromParams({ from: '2025-02-01' }, NOW).range).toMatchObject({ from: '2025-02-01', to: '2025-02-08' });
    expect(financeRangeFromParams({ to: '2024-12-31' }, NOW).range).toMatchObject({ from: '2024-12-02', to: '2024-12-31' });
    expect(financeRangeFromParams({ from: '2025-03-01' }, NOW).range).toMatchObject({ from: '2025-03-01', to: '2025-03-01' });
    expect(financeRangeFromParams({ from: ['2025-02-01', 'x'], to: '' }, NOW).range.from).toBe('2025-02-01');
  });

  it.each([
    [{ from: '2025-02-30' }, 'the start “2025-02-30” is not a day (write it as YYYY-MM-DD)'],
    [{ to: '07/02/2025' }, 'the end “07/02/2025” is not a day (write it as YYYY-MM-DD)'],
    [{ from: '2025-02-08', to: '2025-02-01' }, 'the start day (8 Feb 2025) is after the end day (1 Feb 2025)'],
    [{ from: '2023-01-01', to: '2025-01-01' }, 'it spans 732 days, and the longest range is 366'],
  ])('falls back to the default for %j and says why, in words', (params, reason) => {
    const { range, error } = financeRangeFromParams(params, NOW);
    expect(range).toMatchObject({ from: '2025-01-10', to: '2025-02-08' });
    expect(error).toBe(reason);
  });

  it('compares with the same number of days just before', () => {
    const { range } = financeRangeFromParams({ from: '2025-03-01', to: '2025-03-31' }, NOW);
    expect(previousRange(range)).toMatchObject({ from: '2025-01-29', to: '2025-02-28', days: 31 });
    expect(previousRange(financeRangeFromParams({ from: '2025-03-10', to: '2025-03-10' }, NOW).range)).toMatchObject({ from: '2025-03-09', to: '2025-03-09', days: 1 });
  });

  it('adds days across months and leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });
});
