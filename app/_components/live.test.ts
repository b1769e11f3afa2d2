import { describe, expect, it } from 'vitest';
import { LIVE_ACTIVE_MS, someoneIsThere } from './live';

describe('live pages re-read themselves only while someone is there', () => {
  const now = 1_000_000_000;
  it('does while the tab is visible and was used lately', () => {
    expect(someoneIsThere(now, now - 1000, true)).toBe(true);
    expect(someoneIsThere(now, now - LIVE_ACTIVE_MS + 1, true)).toBe(true);
  });
  it('waits in a hidden tab, or one nobody has touched for a while (each re-read would slide the session)', () => {
    expect(someoneIsThere(now, now - 1000, false)).toBe(false);
    expect(someoneIsThere(now, now - LIVE_ACTIVE_MS, true)).toBe(false);
  });
});
