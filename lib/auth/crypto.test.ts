import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, keyedHash } from './crypto';

describe('secrets at rest', () => {
  const before = process.env.PAYOPS_ENCRYPTION_KEY;
  beforeAll(() => {
    process.env.PAYOPS_ENCRYPTION_KEY = 'k'.repeat(40);
  });
  afterAll(() => {
    process.env.PAYOPS_ENCRYPTION_KEY = before;
  });

  it('round-trips, bound to its context and key; tampering gives null, never a throw', () => {
    const plain = new Uint8Array([1, 2, 3, 250]);
    const stored = encryptSecret(plain, 'totp:user:1');
    expect(stored).not.toContain('AQID');
    expect(decryptSecret(stored, 'totp:user:1')).toEqual(plain);
    expect(decryptSecret(stored, 'totp:user:2')).toBeNull();
    const parts = stored.split('.');
    parts[2] = Buffer.from('xxxx').toString('base64url');
    expect(decryptSecret(parts.join('.'), 'totp:user:1')).toBeNull();
    expect(decryptSecret('garbage', 'totp:user:1')).toBeNull();
    process.env.PAYOPS_ENCRYPTION_KEY = 'j'.repeat(40);
    expect(decryptSecret(stored, 'totp:user:1')).toBeNull();
    process.env.PAYOPS_ENCRYPTION_KEY = 'k'.repeat(40);
    expect(encryptSecret(plain, 'c')).not.toBe(encryptSecret(plain, 'c'));
  });

  it('refuses to work without a key of at least 32 characters', () => {
    process.env.PAYOPS_ENCRYPTION_KEY = 'short';
    expect(() => encryptSecret(new Uint8Array([1]), 'c')).toThrow(/PAYOPS_ENCRYPTION_KEY/);
    process.env.PAYOPS_ENCRYPTION_KEY = 'k'.repeat(40);
    expect(keyedHash('recovery', 'a')).toBe(keyedHash('recovery', 'a'));
    expect(keyedHash('recovery', 'a')).not.toBe(keyedHash('other', 'a'));
  });
});
