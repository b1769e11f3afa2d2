import { describe, expect, it } from 'vitest';
import { formatTotpSecret, matchTotp, newTotpSecret, normalizeTotpCode, parseTotpSecret, totpCode, totpStep, totpUri } from './totp';

describe('TOTP', () => {
  // RFC 6238 appendix B, SHA-1: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits → 287082.
  const rfcSecret = new TextEncoder().encode('12345678901234567890');

  it('matches the RFC 6238 test vectors (6 digits)', () => {
    expect(totpCode(rfcSecret, totpStep(59_000))).toBe('287082');
    expect(totpCode(rfcSecret, totpStep(1111111109_000))).toBe('081804');
    expect(totpCode(rfcSecret, totpStep(2000000000_000))).toBe('279037');
  });

  it('accepts the current step and one either side, and never a step already used', () => {
    const secret = newTotpSecret();
    const now = 1_800_000_000_000;
    const step = totpStep(now);
    expect(matchTotp(secret, totpCode(secret, step), null, now)).toBe(step);
    expect(matchTotp(secret, totpCode(secret, step - 1), null, now)).toBe(step - 1);
    expect(matchTotp(secret, totpCode(secret, step + 1), null, now)).toBe(step + 1);
    expect(matchTotp(secret, totpCode(secret, step - 2), null, now)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, step), step, now)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, step - 1), step - 1, now)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, step + 1), step, now)).toBe(step + 1);
    expect(matchTotp(secret, '000000', null, now) === null || totpCode(secret, step) === '000000').toBe(true);
  });

  it('reads codes as typed and secrets as shown', () => {
    expect(normalizeTotpCode(' 123 456 ')).toBe('123456');
    expect(normalizeTotpCode('12345')).toBeNull();
    expect(normalizeTotpCode('12345a')).toBeNull();
    const secret = newTotpSecret();
    expect(parseTotpSecret(formatTotpSecret(secret).toLowerCase())).toEqual(secret);
    expect(totpUri(secret, 'asha@example.test')).toMatch(/^otpauth:\/\/totp\/PayOps:asha%40example\.test\?/);
  });
});
