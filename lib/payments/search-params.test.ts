import { describe, expect, it } from 'vitest';
import { classifyQuery, encodeCursor, searchFromParams } from './search-params';

const parse = (query: string) => searchFromParams(new URLSearchParams(query));

describe('transaction search parameters', () => {
  it('reads four digits as a card last four, anything else as an id', () => {
    expect(classifyQuery('9015')).toEqual({ kind: 'last4', value: '9015' });
    expect(classifyQuery('90150')).toEqual({ kind: 'id', value: '90150' });
    expect(classifyQuery('EK1738916997652yh8GL')).toEqual({ kind: 'id', value: 'EK1738916997652yh8GL' });
  });

  it('reads IST days as [00:00 IST, next 00:00 IST)', () => {
    const r = parse('from=2025-02-07&to=2025-02-07');
    expect(r.success && r.data.from?.toISOString()).toBe('2025-02-06T18:30:00.000Z');
    expect(r.success && r.data.to?.toISOString()).toBe('2025-02-07T18:30:00.000Z');
  });

  it('round-trips its own cursors and refuses others', () => {
    const cursor = encodeCursor({ txnAt: new Date('2025-02-07T08:30:05Z'), id: 42 });
    const r = parse(`cursor=${cursor}`);
    expect(r.success && r.data.cursor).toEqual({ txnAt: new Date('2025-02-07T08:30:05Z'), id: 42 });
    expect(parse('cursor=abc').success).toBe(false);
    expect(parse(`cursor=${Buffer.from('["x",1]').toString('base64url')}`).success).toBe(false);
    expect(parse(`cursor=${Buffer.from('["2025-01-01T00:00:00Z",-1]').toString('base64url')}`).success).toBe(false);
  });

  it('ignores empty values, upper-cases codes, defaults the limit to 50', () => {
    const r = parse('q=&status=success&paymentMode=');
    expect(r.success && r.data).toEqual({ status: 'SUCCESS', limit: 50 });
  });

  it('refuses over-long search text and a limit outside 1–200', () => {
    expect(parse(`q=${'x'.repeat(201)}`).success).toBe(false);
    expect(parse('limit=0').success).toBe(false);
    expect(parse('limit=201').success).toBe(false);
  });
});
