/** Idle timeout: a session not used for this long ends. */
export const IDLE_SECONDS = 30 * 60;
/** Absolute lifetime: however active, a session ends this long after sign-in. */
export const ABSOLUTE_SECONDS = 12 * 60 * 60;

/**
 * The session token on sign-in and on every later read: who, which server-side session
 * (`lib/auth/sessions.ts`) and when — and nothing once the absolute lifetime has passed (Auth.js
 * then treats the session as signed out).
 */
export function refreshToken<T extends Record<string, unknown>>(token: T, user?: { id?: string; sessionId?: string } | null, nowMs = Date.now()): T | null {
  const now = Math.floor(nowMs / 1000);
  const next: Record<string, unknown> = { ...token };
  if (user) {
    next.uid = user.id;
    next.sid = user.sessionId;
    next.authTime = now;
  }
  if (typeof next.authTime !== 'number' || typeof next.sid !== 'string' || now - next.authTime > ABSOLUTE_SECONDS) return null;
  return next as T;
}
