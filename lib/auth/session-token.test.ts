import { describe, expect, it } from 'vitest';
import { ABSOLUTE_SECONDS, refreshToken } from './session-token';

const SIGN_IN = Date.UTC(2026, 10, 21, 9, 0, 0);

describe('session token', () => {
  it('records who, which session and when at sign-in', () => {
    expect(refreshToken({}, { id: '7', sessionId: 's1' }, SIGN_IN)).toEqual({ uid: '7', sid: 's1', authTime: SIGN_IN / 1000 });
  });

  it('keeps a session alive up to the absolute limit, however active, and ends it after', () => {
    const token = refreshToken({}, { id: '7', sessionId: 's1' }, SIGN_IN)!;
    expect(refreshToken(token, null, SIGN_IN + ABSOLUTE_SECONDS * 1000)).toEqual(token);
    expect(refreshToken(token, null, SIGN_IN + (ABSOLUTE_SECONDS + 1) * 1000)).toBeNull();
    expect(ABSOLUTE_SECONDS).toBe(12 * 60 * 60);
  });

  it('refuses a token without a sign-in time or a server-side session (one from before sessions were kept)', () => {
    expect(refreshToken({ uid: '7', sid: 's1' }, null, SIGN_IN)).toBeNull();
    expect(refreshToken({ uid: '7', sv: 1, authTime: SIGN_IN / 1000 }, null, SIGN_IN)).toBeNull();
  });
});
