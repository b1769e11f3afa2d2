import { describe, expect, it } from 'vitest';
import { parseDeliverySearch } from './search-params';

describe('parseDeliverySearch', () => {
  it('reads the outcome and cursor, ignoring empty values', () => {
    expect(parseDeliverySearch({ outcome: 'rejected', cursor: '42', extra: 'x' })).toEqual({ search: { outcome: 'rejected', cursor: 42 }, invalid: false });
    expect(parseDeliverySearch({ outcome: '', cursor: ['7', '8'] })).toEqual({ search: { cursor: 7 }, invalid: false });
  });

  it('falls back to the unfiltered first page on a bad parameter', () => {
    expect(parseDeliverySearch({ outcome: 'bogus' })).toEqual({ search: {}, invalid: true });
    expect(parseDeliverySearch({ cursor: '-1' })).toEqual({ search: {}, invalid: true });
    expect(parseDeliverySearch({ cursor: '1e400' })).toEqual({ search: {}, invalid: true });
  });
});
