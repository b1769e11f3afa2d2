import { describe, expect, it } from 'vitest';
import { classifyQuery, encodeCursor, escapeLike, parsePaymentId, parseSearchLenient, searchFromParams, searchHref, toSearchParams } from './search-params';

const parse = (query: string) => searchFromParams(new URLSearchParams(query));
const lenient = (query: string) => parseSearchLenient(new URLSearchParams(query));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('what the search box means', () => {
  it('reads four digits as a card last four', () => {
    expect(classifyQuery('9015')).toEqual({ kind: 'last4', value: '9015' });
  });

  it('reads anything with a digit, or without three letters in a row, as an exact id', () => {
    for (const q of ['90150', '123', 'EK1738916997652yh8GL', 'ORDER-7', 'U7', "' OR 1=1 --", 'a b c', '%%%', '___', '\\\\\\', 'राहुल']) {
      expect(classifyQuery(q), q).toEqual({ kind: 'id', value: q });
    }
  });

  it('reads one or two letters as short: an id, or a name still being typed', () => {
    for (const q of ['ab', 'a', 'Al', "O'"]) expect(classifyQuery(q), q).toEqual({ kind: 'short', value: q });
  });

  it('reads text with three letters in a row and no digit as a name fragment (or a letters-only id)', () => {
    expect(classifyQuery('sharma')).toEqual({ kind: 'name', value: 'sharma', pattern: '%sharma%' });
    expect(classifyQuery('Rahul Sh')).toEqual({ kind: 'name', value: 'Rahul Sh', pattern: '%Rahul Sh%' });
    expect(classifyQuery("O'Brien")).toMatchObject({ kind: 'name', pattern: "%O'Brien%" });
    expect(classifyQuery('<img src=x onerror=alert>')).toMatchObject({ kind: 'name' });
  });

  it('escapes LIKE metacharacters so a fragment matches itself literally', () => {
    expect(escapeLike('50%_off\\now')).toBe('50\\%\\_off\\\\now');
    expect(escapeLike('plain')).toBe('plain');
    expect(classifyQuery('ann_lee%')).toEqual({ kind: 'name', value: 'ann_lee%', pattern: '%ann\\_lee\\%%' });
    expect(classifyQuery('ann\\lee')).toMatchObject({ pattern: '%ann\\\\lee%' });
  });
});

describe('transaction search parameters', () => {
  it('trims the search text, refuses over-long text, and replaces NUL (never stored) instead of failing', () => {
    expect(parse('q=%20%20EK1%20').success && parse('q=%20%20EK1%20').data).toMatchObject({ q: 'EK1' });
    expect(parse(`q=${'x'.repeat(200)}`).success).toBe(true);
    expect(parse(`q=${'x'.repeat(201)}`).success).toBe(false);
    expect(parse(`q=${'x'.repeat(10_000)}`).success).toBe(false);
    const nul = parse('q=a%00b');
    expect(nul.success && nul.data.q).toBe('a\uFFFDb');
  });

  it('reads IST days as [00:00 IST, next 00:00 IST), and ISO instants with a zone', () => {
    const r = parse('from=2025-02-07&to=2025-02-07');
    expect(r.success && r.data.from?.toISOString()).toBe('2025-02-06T18:30:00.000Z');
    expect(r.success && r.data.to?.toISOString()).toBe('2025-02-07T18:30:00.000Z');
    const iso = parse('from=2025-02-07T10:00:00%2B05:30');
    expect(iso.success && iso.data.from?.toISOString()).toBe('2025-02-07T04:30:00.000Z');
    for (const bad of ['from=yesterday', 'from=2025-02-30', 'to=2025-02-07T10:00:00', 'to=07-02-2025', 'from=0001-01-01', 'to=9999-12-31', 'from=9999-12-31T23:00:00-05:00']) expect(parse(bad).success, bad).toBe(false);
  });

  it('reads status and payment mode as upper-case codes and refuses anything else', () => {
    const r = parse('status=success&paymentMode=upi');
    expect(r.success && r.data).toMatchObject({ status: 'SUCCESS', paymentMode: 'UPI' });
    expect(parse("status=SUCCESS'--").success).toBe(false);
    expect(parse('paymentMode=NET BANKING').success).toBe(false);
  });

  it('reads the provider case-insensitively, only known ones', () => {
    const r = parse('provider=Enkash');
    expect(r.success && r.data.provider).toBe('enkash');
    expect(parse('provider=juspay').success).toBe(true);
    expect(parse('provider=paypal').success).toBe(false);
  });

  it('reads amounts as exact decimals with four places, never floats', () => {
    const r = parse('minAmount=100&maxAmount=2500.5');
    expect(r.success && r.data).toMatchObject({ minAmount: '100.0000', maxAmount: '2500.5000' });
    const precise = parse('minAmount=0.1&maxAmount=99999999999999.9999');
    expect(precise.success && precise.data).toMatchObject({ minAmount: '0.1000', maxAmount: '99999999999999.9999' });
    for (const bad of ['minAmount=1e3', 'maxAmount=12.34567', 'minAmount=1.000.5', 'maxAmount=NaN', 'minAmount=0x10', 'maxAmount=999999999999999', 'minAmount=,5']) {
      expect(parse(bad).success, bad).toBe(false);
    }
  });

  it('reads amounts the way people type them: Indian or Western grouping, a rupee sign', () => {
    const r = parse(`minAmount=${encodeURIComponent('1,00,000')}&maxAmount=${encodeURIComponent('₹2,50,000.50')}`);
    expect(r.success && r.data).toMatchObject({ minAmount: '100000.0000', maxAmount: '250000.5000' });
    expect(parse('minAmount=1,000').data?.minAmount).toBe('1000.0000');
    const bad = lenient('minAmount=abc');
    expect(bad.notices[0]).toBe('Ignored the minimum amount “abc”: is not an amount in rupees, such as 1499.50 or 1,00,000 (at most 4 decimals).');
  });

  it('reads "only flagged" as 1/true/on, 0/false as off, and refuses other values', () => {
    for (const on of ['1', 'true', 'on']) expect(parse(`flagged=${on}`).data?.flagged, on).toBe(true);
    for (const off of ['0', 'false']) expect(parse(`flagged=${off}`).data?.flagged, off).toBe(false);
    expect(parse('flagged=yes').success).toBe(false);
  });

  it('round-trips its own cursors, forward and backward, keeping microseconds', () => {
    const cursor = encodeCursor({ key: '2025-02-07T08:30:05.123456Z', id: 42 });
    const r = parse(`cursor=${cursor}`);
    expect(r.success && r.data.cursor).toEqual({ key: '2025-02-07T08:30:05.123456Z', id: 42 });
    const back = parse(`cursor=${encodeCursor({ key: '2025-02-07T08:30:05Z', id: 7, backward: true })}`);
    expect(back.success && back.data.cursor).toEqual({ key: '2025-02-07T08:30:05Z', id: 7, backward: true });
    // Old links (before page positions and orders) still read.
    expect(parse(`cursor=${b64(['2025-02-07T08:30:05Z', 7, 'prev'])}`).data?.cursor).toEqual({ key: '2025-02-07T08:30:05Z', id: 7, backward: true });
  });

  it('carries the page position and the order, and refuses a cursor of another order', () => {
    const c = encodeCursor({ key: '1499.5000', id: 9, start: 50, sort: 'amount_desc' });
    const r = parse(`sort=amount_desc&cursor=${c}`);
    expect(r.success && r.data.cursor).toEqual({ key: '1499.5000', id: 9, start: 50, sort: 'amount_desc' });
    expect(parse(`cursor=${c}`).success).toBe(false);
    const l = lenient(`sort=amount_asc&cursor=${c}`);
    expect(l.search.cursor).toBeUndefined();
    expect(l.search.sort).toBe('amount_asc');
    expect(l.notices).toEqual(['That page link is not one this server issued, so this is the first page.']);
    const timed = encodeCursor({ key: '2025-02-07T08:30:05Z', id: 3, start: 100 });
    expect(parse(`cursor=${timed}`).data?.cursor).toEqual({ key: '2025-02-07T08:30:05Z', id: 3, start: 100 });
    // An amount key under a time order, and a time key under an amount order, are not cursors.
    expect(parse(`cursor=${b64(['1499.5000', 3, 'next', 0, 'newest'])}`).success).toBe(false);
    expect(parse(`sort=amount_asc&cursor=${b64(['2025-02-07T08:30:05Z', 3, 'next', 0, 'amount_asc'])}`).success).toBe(false);
  });

  it('refuses cursors it did not issue', () => {
    for (const bad of [
      'abc',
      b64(['x', 1]),
      b64(['2025-01-01T00:00:00Z', -1]),
      b64(['2025-01-01T00:00:00Z', 1.5]),
      b64(['2025-01-01 00:00:00', 1]),
      b64(['2025-13-01T00:00:00Z', 1]),
      b64(['2025-02-30T00:00:00Z', 1]),
      b64(['2025-01-01T24:00:00Z', 1]),
      b64(['0000-01-01T00:00:00Z', 1]),
      b64(["2025-01-01T00:00:00Z'; DROP TABLE transactions; --", 1]),
      b64(['2025-01-01T00:00:00Z', 1, 'sideways']),
      b64(['2025-01-01T00:00:00Z', 1, 'prev', 'extra']),
      b64({ at: '2025-01-01T00:00:00Z', id: 1 }),
    ]) {
      expect(parse(`cursor=${bad}`).success, bad).toBe(false);
    }
  });

  it('ignores empty values, upper-cases codes, defaults the limit to 50', () => {
    const r = parse('q=&status=success&paymentMode=&minAmount=%20&flagged=');
    expect(r.success && r.data).toEqual({ status: 'SUCCESS', limit: 50 });
  });

  it('refuses a limit outside 1–200 and names the field, in words (never a library message)', () => {
    expect(parse('limit=0').success).toBe(false);
    expect(parse('limit=201').success).toBe(false);
    const r = parse('limit=abc');
    expect(!r.success && r.error.issues[0].path).toEqual(['limit']);
    for (const bad of ['500', '0', 'abc', '2.5']) {
      expect(lenient(`limit=${bad}`).notices, bad).toEqual([`Ignored the page size “${bad}”: must be a whole number from 1 to 200.`]);
    }
  });

  it('reads the order, newest by default and never written out', () => {
    expect(parse('sort=amount_desc').data?.sort).toBe('amount_desc');
    expect(parse('sort=newest').data?.sort).toBeUndefined();
    expect(parse('sort=sideways').success).toBe(false);
    expect(lenient('sort=newest').kept).toEqual({});
  });

  it('lifts filters typed into the search text into their own parameters', () => {
    const r = lenient(`q=${encodeURIComponent('status:failed mode:upi >5000 EK17')}&status=SUCCESS`);
    expect(r.kept).toEqual({ q: 'EK17', status: 'FAILED', paymentMode: 'UPI', minAmount: '5000.0001' });
    expect(r.search).toMatchObject({ q: 'EK17', status: 'FAILED', paymentMode: 'UPI', minAmount: '5000.0001' });
    expect(lenient('q=1499.50').kept).toEqual({ minAmount: '1499.5000', maxAmount: '1499.5000' });
    expect(lenient('q=status%3Abogus%21').notices[0]).toMatch(/Ignored the status “BOGUS!”/);
  });
});

describe('lenient parsing for pages', () => {
  it('keeps every valid parameter and drops each bad one with a notice', () => {
    const r = lenient('q=sharma&status=FAILED&minAmount=abc&provider=paypal&cursor=junk&from=2025-02-07');
    expect(r.search).toMatchObject({ q: 'sharma', status: 'FAILED', limit: 50 });
    expect(r.search.from?.toISOString()).toBe('2025-02-06T18:30:00.000Z');
    expect(r.search).not.toHaveProperty('minAmount');
    expect(r.search).not.toHaveProperty('provider');
    expect(r.search).not.toHaveProperty('cursor');
    expect(r.kept).toEqual({ q: 'sharma', status: 'FAILED', from: '2025-02-07' });
    expect(r.notices).toHaveLength(3);
    expect(r.notices.join(' ')).toMatch(/minimum amount “abc”/);
    expect(r.notices.join(' ')).toMatch(/provider “paypal”/);
    expect(r.notices.join(' ')).toMatch(/page link/);
  });

  it('refuses over-long search text with a message and shows the list without it', () => {
    const r = lenient(`q=${'x'.repeat(10_000)}&status=SUCCESS`);
    expect(r.search).toEqual({ status: 'SUCCESS', limit: 50 });
    expect(r.notices).toEqual(['The search text was ignored: it must be at most 200 characters (it had 10000).']);
  });

  it('shortens a long bad value in its notice', () => {
    const r = lenient(`status=${'A'.repeat(100)}`);
    expect(r.notices[0].length).toBeLessThan(150);
  });

  it('has nothing to say about good input', () => {
    expect(lenient('q=EK1&flagged=1').notices).toEqual([]);
  });
});

describe('page links', () => {
  it('keeps the search, replaces or removes parameters, and drops empty ones', () => {
    const kept = { q: 'a b', status: 'SUCCESS', cursor: 'abc' };
    expect(searchHref('/payments', kept)).toBe('/payments?q=a+b&status=SUCCESS&cursor=abc');
    expect(searchHref('/payments', kept, { cursor: 'xyz' })).toBe('/payments?q=a+b&status=SUCCESS&cursor=xyz');
    expect(searchHref('/payments', kept, { cursor: null })).toBe('/payments?q=a+b&status=SUCCESS');
    expect(searchHref('/payments', {})).toBe('/payments');
  });
});

describe('payment page ids', () => {
  it('reads a positive decimal id and nothing else', () => {
    expect(parsePaymentId('42')).toBe(42);
    expect(parsePaymentId('999999999999999')).toBe(999_999_999_999_999);
    for (const bad of ['0', '-1', '042', '1.5', '1e3', 'abc', '', ' 1', '9999999999999999', '1%00', 'EK1738916997652yh8GL']) {
      expect(parsePaymentId(bad), bad).toBeNull();
    }
  });

  it('turns a page searchParams object into URLSearchParams, first value winning', () => {
    const p = toSearchParams({ q: 'a', status: ['FAILED', 'SUCCESS'], x: undefined });
    expect(p.get('q')).toBe('a');
    expect(p.get('status')).toBe('FAILED');
    expect(p.has('x')).toBe(false);
  });
});
