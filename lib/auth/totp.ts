import { timingSafeEqual } from 'node:crypto';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';

/** RFC 6238 with the parameters every authenticator app assumes: 30 s steps, 6 digits, SHA-1. */
export const TOTP_PERIOD_SECONDS = 30;
const DIGITS = 6;
/** A code from the step before or after is accepted too: phone clocks drift. */
const DRIFT_STEPS = 1;

export const totpStep = (nowMs = Date.now()) => Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);

export function newTotpSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(20));
}

/** The secret as people type it into an authenticator app: base32, grouped by four. */
export function formatTotpSecret(secret: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(secret).replace(/(.{4})(?=.)/g, '$1 ');
}

export function parseTotpSecret(text: string): Uint8Array {
  return decodeBase32IgnorePadding(text.replace(/\s+/g, '').toUpperCase());
}

export function totpUri(secret: Uint8Array, accountName: string): string {
  return createTOTPKeyURI('PayOps', accountName, secret, TOTP_PERIOD_SECONDS, DIGITS);
}

export function totpCode(secret: Uint8Array, step = totpStep()): string {
  return generateHOTP(secret, BigInt(step), DIGITS);
}

/** Digits only (spaces allowed, as apps show "123 456"); anything else is not a TOTP code. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The step a code belongs to, if it is valid now and newer than `lastStep` (a code is good once:
 * the caller stores the step it accepted, atomically, so a replay — or a second tab racing the
 * first — is refused). Compared in constant time.
 */
export function matchTotp(secret: Uint8Array, code: string, lastStep: number | null, nowMs = Date.now()): number | null {
  const now = totpStep(nowMs);
  const given = Buffer.from(code);
  for (let step = now - DRIFT_STEPS; step <= now + DRIFT_STEPS; step++) {
    if (lastStep !== null && step <= lastStep) continue;
    const expected = Buffer.from(totpCode(secret, step));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return step;
  }
  return null;
}
