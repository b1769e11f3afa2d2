import { describe, expect, it } from 'vitest';
import { judge, parseSince } from './verify';

describe('judging the provider status against the claimed one', () => {
  it('confirms the same status', () => {
    expect(judge('enkash', 'SUCCESS', 'SUCCESS')).toEqual({ verification: 'confirmed', detail: null });
  });

  it('calls a success the provider does not confirm a mismatch', () => {
    expect(judge('enkash', 'SUCCESS', 'PENDING_WITH_BANK').verification).toBe('mismatch');
    expect(judge('enkash', 'SUCCESS', 'FAILED').verification).toBe('mismatch');
    expect(judge('enkash', 'FAILED', 'SUCCESS').verification).toBe('mismatch');
    expect(judge('enkash', 'SUCCESS', 'SOMETHING_ELSE').detail).toMatch(/SOMETHING_ELSE.*SUCCESS/);
  });

  it('calls a transaction the provider does not know a mismatch', () => {
    expect(judge('enkash', 'SUCCESS', null)).toMatchObject({ verification: 'mismatch', detail: expect.stringMatching(/does not know/) });
  });

  it('leaves an open status unconfirmed when the provider is only further along', () => {
    const r = judge('enkash', 'PENDING_WITH_BANK', 'SUCCESS');
    expect(r.verification).toBe('unconfirmed');
    expect(r.detail).toMatch(/already reports SUCCESS/);
    expect(judge('enkash', 'AUTHORIZED', 'CREATED').verification).toBe('mismatch');
  });
});

describe('--since', () => {
  const now = Date.parse('2025-02-07T12:00:00Z');
  it.each([
    ['24h', '2025-02-06T12:00:00.000Z'],
    ['7d', '2025-01-31T12:00:00.000Z'],
    ['90m', '2025-02-07T10:30:00.000Z'],
  ])('%s', (text, iso) => expect(parseSince(text, now)?.toISOString()).toBe(iso));
  it.each(['', '24', 'h', '1w', '-1h', '1.5h', '999999d'])('refuses %j', (text) => expect(parseSince(text, now)).toBeNull());
});
