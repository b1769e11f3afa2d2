import { describe, expect, it } from 'vitest';
import { parseEnv, startupProblems, startupWarnings } from './env';

describe('configuration', () => {
  it('refuses to start on a real database without a webhook secret or a session secret', () => {
    const e = parseEnv({ DATABASE_URL: 'postgres://x@y/z' });
    expect(startupProblems(e)).toEqual([
      expect.stringContaining('ENKASH_WEBHOOK_SECRET is not set'),
      expect.stringContaining('AUTH_SECRET is not set'),
      expect.stringContaining('PAYOPS_ENCRYPTION_KEY is not set'),
      expect.stringContaining('AUDIT_HMAC_KEY is not set'),
    ]);
    expect(startupProblems(parseEnv({ DATABASE_URL: 'postgres://x@y/z', ENKASH_WEBHOOK_SECRET: 's', AUTH_SECRET: 'a', PAYOPS_ENCRYPTION_KEY: 'e', AUDIT_HMAC_KEY: 'h' }))).toEqual([]);
  });

  it('warns loudly in embedded mode without a secret, and treats blank values as unset', () => {
    const e = parseEnv({ ENKASH_WEBHOOK_SECRET: '  ', DATABASE_URL: '' });
    expect(startupProblems(e)).toEqual([]);
    expect(startupWarnings(e).join(' ')).toMatch(/ACCEPTS UNAUTHENTICATED/);
    expect(e.DATA_DIR).toBe('./.data');
  });

  it('never blocks startup over Juspay, but says what its webhook will do', () => {
    const real = { DATABASE_URL: 'postgres://x@y/z', ENKASH_WEBHOOK_SECRET: 's', AUTH_SECRET: 'a', PAYOPS_ENCRYPTION_KEY: 'e', AUDIT_HMAC_KEY: 'h' };
    expect(startupProblems(parseEnv(real))).toEqual([]);
    expect(startupWarnings(parseEnv(real)).join(' ')).toMatch(/Juspay webhook refuses every delivery/);
    expect(startupWarnings(parseEnv({})).join(' ')).toMatch(/Juspay webhook ACCEPTS UNAUTHENTICATED/);
    expect(startupWarnings(parseEnv({ ...real, JUSPAY_WEBHOOK_PASSWORD: 'p' })).join(' ')).toMatch(/Only one of/);
    expect(startupWarnings(parseEnv({ ...real, JUSPAY_WEBHOOK_USERNAME: 'u', JUSPAY_WEBHOOK_PASSWORD: 'p' })).join(' ')).not.toMatch(/JUSPAY/);
  });

  it('refuses to start on a real database with an alert webhook but no secret to sign it', () => {
    const real = { DATABASE_URL: 'postgres://x@y/z', ENKASH_WEBHOOK_SECRET: 's', AUTH_SECRET: 'a', PAYOPS_ENCRYPTION_KEY: 'e', AUDIT_HMAC_KEY: 'h' };
    expect(startupProblems(parseEnv({ ...real, ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' }))).toEqual([
      expect.stringContaining('ALERT_WEBHOOK_SECRET is not set'),
    ]);
    expect(startupProblems(parseEnv({ ...real, ALERT_WEBHOOK_URL: 'https://hooks.example.com/x', ALERT_WEBHOOK_SECRET: 'k' }))).toEqual([]);
    expect(startupProblems(parseEnv(real))).toEqual([]);
    expect(startupWarnings(parseEnv({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/x' })).join(' ')).toMatch(/UNSIGNED/);
    expect(() => parseEnv({ ALERT_WEBHOOK_URL: 'ftp://x' })).toThrow(/ALERT_WEBHOOK_URL/);
    expect(() => parseEnv({ ALERT_REFUSED_SHARE: '0' })).toThrow(/ALERT_REFUSED_SHARE/);
    expect(parseEnv({}).ALERT_SILENCE_MINUTES).toBe(15);
  });

  it('says which variable is wrong', () => {
    expect(() => parseEnv({ DATABASE_TIMEOUT_MS: 'soon' })).toThrow(/DATABASE_TIMEOUT_MS/);
  });

  it('reads which roles must use a second factor (admin and finance unless set; empty means none), and warns when admin is left out', () => {
    expect(parseEnv({}).TWO_FACTOR_REQUIRED_ROLES).toEqual(['admin', 'finance']);
    expect(parseEnv({ TWO_FACTOR_REQUIRED_ROLES: 'admin, support' }).TWO_FACTOR_REQUIRED_ROLES).toEqual(['admin', 'support']);
    expect(parseEnv({ TWO_FACTOR_REQUIRED_ROLES: '' }).TWO_FACTOR_REQUIRED_ROLES).toEqual([]);
    expect(() => parseEnv({ TWO_FACTOR_REQUIRED_ROLES: 'admin,root' })).toThrow(/TWO_FACTOR_REQUIRED_ROLES/);
    expect(startupWarnings(parseEnv({ TWO_FACTOR_REQUIRED_ROLES: 'finance' })).join(' ')).toMatch(/leaves out admin/);
    expect(startupWarnings(parseEnv({})).join(' ')).not.toMatch(/leaves out admin/);
    expect(parseEnv({}).STEP_UP_MINUTES).toBe(10);
  });
});
