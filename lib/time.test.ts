import { afterEach, describe, expect, it } from 'vitest';
import { formatIst, formatRelative, isStorableInstant, istDayRange, parseProviderTime, toIsoIst } from './time';

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

  it('does not map two-digit years to the 1900s (it refuses them: out of range)', () => {
    expect(iso('0050-06-01T00:00:00Z')).toBeNull();
    expect(iso('1950-06-01T00:00:00Z')).toBe('1950-06-01T00:00:00.000Z');
  });

  // Issue 7: these passed and then Postgres refused them, so the delivery answered 500 unrecorded.
  it.each(['0000-01-01 00:00:00', '0000-06-15T12:00:00Z', '0001-01-01 05:29:59', '0001-01-01 05:30:00', '9999-12-31 23:59:59-23:59', '9999-12-31T23:59:59Z'])(
    'refuses %j, which the database cannot store',
    (input) => {
      expect(parseProviderTime(input)).toBeNull();
    },
  );

  it('accepts the first storable instant, in UTC and in IST, and nothing before it', () => {
    // The year must be 1000+ both in UTC and in India time.
    expect(iso('1000-01-01 05:30:00')).toBe('1000-01-01T00:00:00.000Z');
    expect(iso('1000-01-01T00:00:00Z')).toBe('1000-01-01T00:00:00.000Z');
    expect(iso('1000-01-01 05:29:59.999')).toBeNull(); // 0999 in UTC
    expect(iso('0999-12-31T23:59:59.999Z')).toBeNull();
    // The written year is not what counts, the instant is: 0999 at -05:00 is 1000 in UTC and IST.
    expect(iso('0999-12-31T20:00:00-05:00')).toBe('1000-01-01T01:00:00.000Z');
    expect(iso('1000-01-01T00:00:00+00:01')).toBeNull();
  });

  it('accepts the last storable instant, in UTC and in IST, and nothing after it', () => {
    expect(iso('9998-12-31 23:59:59.999')).toBe('9998-12-31T18:29:59.999Z');
    expect(iso('9998-12-31T18:29:59.999Z')).toBe('9998-12-31T18:29:59.999Z');
    expect(iso('9998-12-31T18:30:00Z')).toBeNull(); // 9999 in IST
    expect(iso('9999-01-01 00:00:00')).toBeNull();
    expect(iso('9998-12-31T23:59:59-23:59')).toBeNull(); // 9999 in UTC once shifted
    expect(iso('9999-01-01T04:00:00+23:59')).toBe('9998-12-31T04:01:00.000Z'); // written 9999, 9998 in UTC and IST
    expect(iso('9999-01-02T04:00:00+23:59')).toBeNull();
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

describe('isStorableInstant', () => {
  it('checks the year in UTC and in IST', () => {
    expect(isStorableInstant(Date.parse('1000-01-01T00:00:00Z'))).toBe(true);
    expect(isStorableInstant(Date.parse('1000-01-01T00:00:00Z') - 1)).toBe(false);
    expect(isStorableInstant(Date.parse('9998-12-31T18:29:59.999Z'))).toBe(true);
    expect(isStorableInstant(Date.parse('9998-12-31T18:30:00Z'))).toBe(false);
    expect(isStorableInstant(Date.now())).toBe(true);
  });

  it.each([Number.NaN, Infinity, -Infinity, 8.64e15 + 1, -8.64e15])('refuses %s', (ms) => {
    expect(isStorableInstant(ms)).toBe(false);
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

  it('refuses a day whose edges the database could not store', () => {
    expect(istDayRange('0001-01-01')).toBeNull();
    expect(istDayRange('1000-01-01')).toBeNull(); // starts at 0999-12-31T18:30Z
    expect(istDayRange('1000-01-02')?.start.toISOString()).toBe('1000-01-01T18:30:00.000Z');
    expect(istDayRange('9998-12-30')?.end.toISOString()).toBe('9998-12-30T18:30:00.000Z');
    expect(istDayRange('9998-12-31')).toBeNull(); // ends at midnight IST of 9999
    expect(istDayRange('9999-12-31')).toBeNull();
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

describe('relative times', () => {
  const now = new Date('2025-03-10T06:30:00Z'); // 12:00 IST
  const ago = (ms: number) => formatRelative(new Date(now.getTime() - ms), now);
  it('reads minutes, hours, yesterday and days, then the IST date', () => {
    expect(ago(20_000)).toBe('just now');
    expect(ago(3 * 60_000)).toBe('3 min ago');
    expect(ago(5 * 3_600_000)).toBe('5 h ago');
    expect(formatRelative(new Date('2025-03-09T08:35:00Z'), now)).toBe('yesterday, 14:05');
    // 23:30 IST the day before: still "yesterday" by the IST calendar, not "11 h ago".
    expect(formatRelative(new Date('2025-03-09T18:00:00Z'), now)).toBe('yesterday, 23:30');
    expect(ago(3 * 86_400_000)).toBe('3 days ago');
    expect(ago(8 * 86_400_000)).toBe('2 Mar 2025');
    expect(ago(-120_000)).toBe('in 2 min');
  });
});
