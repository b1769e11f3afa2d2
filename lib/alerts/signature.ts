import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of an outgoing alert message, in Stripe's scheme so receivers can reuse what they
 * know: `X-PayOps-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with
 * ALERT_WEBHOOK_SECRET. The timestamp inside the signed text lets a receiver refuse a replayed
 * message (older than its tolerance); `X-PayOps-Delivery` (`<alert id>-<transition>`) lets it drop
 * a repeat of one it already handled — retries send the same id.
 *
 * A receiver verifies: split the header on `,` into `t` and every `v1`; refuse when |now − t| is
 * more than its tolerance (5 minutes here); compute HMAC-SHA256(secret, `${t}.${rawBody}`) in hex
 * over the body bytes exactly as received (before any JSON parsing); compare in constant time with
 * each `v1`.
 */
export const SIGNATURE_HEADER = 'X-PayOps-Signature';
export const DELIVERY_HEADER = 'X-PayOps-Delivery';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${computeSignature(secret, timestamp, body)}`;
}

/** A receiver's check, as described above. True only for a fresh timestamp and a matching `v1`. */
export function verifySignature(
  header: string | null | undefined,
  body: string,
  secret: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (name === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === null || candidates.length === 0) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
