import { afterEach, describe, expect, it } from 'vitest';
import { formatIst, istDayRange, parseProviderTime, toIsoIst } from './time';

const iso = (input: unknown) => parseProviderTime(input)?.toISOString() ?? null;

describe('parseProviderTime', () => {
  it('reads the Enkash txnDate as India time', () => {
    expect(iso('2025-02-07 14:00:05')).toBe('2025-02-07T08:30:05.000Z');
    expect(iso('2025-02-07T14:00:05')).toBe('2025-02-07T08:30:05.000Z');
  });

  it('crosses the date line backwards for early IST times', () => {
    expect(iso('2025-01-01 00:00:00')).toBe('2024-12-31T18:30:00.000Z');
    expect(iso('2025-03-01 05:29:59')).toBe('2025-02-28T23:59:59.000Z');
  });

  it('keeps fractional seconds, truncated to milliseconds', () => {
    expect(iso('2025-02-07 14:00:05.5')).toBe('2025-02-07T08:30:05.500Z');
    expect(iso('2025-02-07T14:00:05.123')).toBe('2025-02-07T08:30:05.123Z');
    expect(iso('2025-02-07T14:00:05.123999999')).toBe('2025-02-07T08:30:05.123Z');
  });

  it('honours an explicit zone', () => {
    expect(iso('2025-02-07T08:30:05Z')).toBe('2025-02-07T08:30:05.000Z');
    expect(iso('2025-02-07T08:30:05.250Z')).toBe('2025-02-07T08:30:05.250Z');
    expect(iso('2025-02-07T14:00:05+05:30')).toBe('2025-02-07T08:30:05.000Z');
    expect(iso('2025-02-07T03:30:05-05:00')).toBe('2025-02-07T08:30:05.000Z');
    expect(iso('2025-02-07T08:30:05+00:00')).toBe('2025-02-07T08:30:05.000Z');
  });

  it('accepts leap days only in leap years', () => {
    expect(iso('2024-02-29 12:00:00')).toBe('2024-02-29T06:30:00.000Z');
    expect(iso('2000-02-29 12:00:00')).toBe('2000-02-29T06:30:00.000Z');
    expect(iso('2025-02-29 12:00:00')).toBeNull();
    expect(iso('1900-02-29 12:00:00')).toBeNull();
  });

  it('does not map two-digit years to the 1900s', () => {
    expect(iso('0050-06-01T00:00:00Z')).toBe('0050-06-01T00:00:00.000Z');
  });

  it.each([
    '2025-13-01 00:00:00',
    '2025-00-01 00:00:00',
    '2025-04-31 00:00:00',
    '2025-01-00 00:00:00',
    '2025-01-32 00:00:00',
    '2025-02-07 24:00:00',
    '2025-02-07 14:60:05',
    '2025-02-07 14:00:60',
    '2025-02-07 14:00',
    '2025-02-07',
    '2025-2-7 14:00:05',
    '2025-02-07  14:00:05',
    ' 2025-02-07 14:00:05',
    '2025-02-07 14:00:05 ',
    '2025-02-07T14:00:05+0530',
    '2025-02-07T14:00:05+05',
    '2025-02-07T14:00:05+24:00',
    '2025-02-07T14:00:05+05:60',
    '2025-02-07T14:00:05z',
    '2025-02-07T14:00:05.',
    '2025-02-07T14:00:05 IST',
    '07/02/2025 14:00:05',
    '1738916997652',
    '',
  ])('refuses %j', (input) => {
    expect(parseProviderTime(input)).toBeNull();
  });

  it.each([null, undefined, 1738916997652, new Date(0), {}])('refuses a non-string %s', (input) => {
    expect(parseProviderTime(input)).toBeNull();
  });
});

describe('formatIst and toIsoIst', () => {
  const instant = new Date('2025-02-07T08:30:05.000Z');

  it('shows India time with the zone named', () => {
    expect(formatIst(instant)).toBe('07 Feb 2025, 14:00:05 IST');
    expect(formatIst(new Date('2024-12-31T18:30:00Z'))).toBe('01 Jan 2025, 00:00:00 IST');
    expect(formatIst(new Date('2025-12-31T18:29:59Z'))).toBe('31 Dec 2025, 23:59:59 IST');
  });

  it('writes ISO-8601 with the +05:30 offset', () => {
    expect(toIsoIst(instant)).toBe('2025-02-07T14:00:05+05:30');
    expect(toIsoIst(new Date('2024-12-31T18:30:00Z'))).toBe('2025-01-01T00:00:00+05:30');
    expect(toIsoIst(new Date('2025-02-07T08:30:05.042Z'))).toBe('2025-02-07T14:00:05.042+05:30');
  });

  it('round-trips through parseProviderTime', () => {
    expect(parseProviderTime(toIsoIst(instant))?.getTime()).toBe(instant.getTime());
    const withMs = new Date('2025-02-07T08:30:05.042Z');
    expect(parseProviderTime(toIsoIst(withMs))?.getTime()).toBe(withMs.getTime());
  });

  it('refuses an invalid Date', () => {
    expect(() => formatIst(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => toIsoIst(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('istDayRange', () => {
  it('covers the whole IST day, end exclusive', () => {
    const range = istDayRange('2025-02-07');
    expect(range?.start.toISOString()).toBe('2025-02-06T18:30:00.000Z');
    expect(range?.end.toISOString()).toBe('2025-02-07T18:30:00.000Z');
    expect(formatIst(range!.start)).toBe('07 Feb 2025, 00:00:00 IST');
    expect(formatIst(range!.end)).toBe('08 Feb 2025, 00:00:00 IST');
  });

  it('contains the times of that day only', () => {
    const { start, end } = istDayRange('2025-02-07')!;
    const inside = (s: string) => {
      const t = parseProviderTime(s)!.getTime();
      return t >= start.getTime() && t < end.getTime();
    };
    expect(inside('2025-02-07 00:00:00')).toBe(true);
    expect(inside('2025-02-07 23:59:59.999')).toBe(true);
    expect(inside('2025-02-08 00:00:00')).toBe(false);
    expect(inside('2025-02-06 23:59:59')).toBe(false);
  });

  it('handles the last day of a leap February', () => {
    expect(istDayRange('2024-02-29')?.end.toISOString()).toBe('2024-02-29T18:30:00.000Z');
  });

  it.each(['2025-02-30', '2025-13-01', '2025-2-7', '2025-02-07 00:00:00', '', 'today'])('refuses %j', (day) => {
    expect(istDayRange(day)).toBeNull();
  });
});

describe('time zone independence', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  const sample = () => {
    const parsed = parseProviderTime('2025-03-09 02:30:00'); // a US DST gap, harmless in IST
    return {
      parsed: parsed?.toISOString(),
      shown: formatIst(parsed!),
      iso: toIsoIst(parsed!),
      day: istDayRange('2025-03-09')?.start.toISOString(),
    };
  };

  it('gives the same results whatever process.env.TZ says', () => {
    const expected = {
      parsed: '2025-03-08T21:00:00.000Z',
      shown: '09 Mar 2025, 02:30:00 IST',
      iso: '2025-03-09T02:30:00+05:30',
      day: '2025-03-08T18:30:00.000Z',
    };
    expect(sample()).toEqual(expected);
    for (const zone of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Kiritimati', 'America/St_Johns']) {
      process.env.TZ = zone;
      expect(sample()).toEqual(expected);
    }
    // Guard that the switch above really changed the local zone, so the loop proved something.
    process.env.TZ = 'America/New_York';
    expect(new Date('2025-06-01T12:00:00Z').getTimezoneOffset()).toBe(240);
  });
});
