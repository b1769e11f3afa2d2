import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeliveryAuth } from '@/db/schema';

/** Constant-time comparison; hashing first makes the lengths equal and hides the secret's length. */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The user name and password of an `Authorization: Basic` header, or null. */
export function basicCredentials(req: Request): { username: string; password: string } | null {
  const header = req.headers.get('authorization');
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The password of an `Authorization: Basic` header, or null. */
export function basicPassword(req: Request): string | null {
  return basicCredentials(req)?.password ?? null;
}

/**
 * A webhook's shared secret, presented as the `key` query parameter of the notify URL (Enkash
 * calls the URL given at order creation and publishes no signature) or as the Basic password.
 * With no secret configured (embedded demo only) every delivery is accepted as `unauthenticated`.
 */
export function authenticateSharedSecret(req: Request, secret: string | undefined): DeliveryAuth {
  if (!secret) return 'unauthenticated';
  const candidates = [new URL(req.url).searchParams.get('key'), basicPassword(req)].filter((c): c is string => !!c);
  if (candidates.length === 0) return 'missing';
  return candidates.some((c) => safeEqual(c, secret)) ? 'ok' : 'invalid';
}
