import { describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { providersConfig } from './config';

describe('provider configuration', () => {
  it('is all optional: each provider says which variables it still needs', () => {
    const c = providersConfig(parseEnv({ JUSPAY_BASE_URL: 'https://sandbox.juspay.in', JUSPAY_API_KEY: 'k', ENKASH_ACCESS_KEY: '  ' }));
    expect(c.timeoutMs).toBe(10_000);
    expect(c.juspay).toEqual({ baseUrl: 'https://sandbox.juspay.in', apiKey: 'k', merchantId: null, apiVersion: '2023-06-30' });
    const withMerchant = providersConfig(parseEnv({ JUSPAY_BASE_URL: 'https://sandbox.juspay.in', JUSPAY_API_KEY: 'k', JUSPAY_MERCHANT_ID: 'm1', JUSPAY_API_VERSION: '2024-01-15' }));
    expect(withMerchant.juspay).toMatchObject({ merchantId: 'm1', apiVersion: '2024-01-15' });
    expect(c.enkash).toEqual({ missing: ['ENKASH_BASE_URL', 'ENKASH_ACCESS_KEY', 'ENKASH_SECRET_KEY'] });
    expect(c.enkashWallet).toMatchObject({ missing: expect.arrayContaining(['ENKASH_WALLET_PARTNER_ID']) });
  });

  it('refuses a base URL that is not http(s) and a silly timeout, naming the variable but not its value', () => {
    expect(() => parseEnv({ ENKASH_BASE_URL: 'ftp://enkash.example' })).toThrow(/ENKASH_BASE_URL: must be an http\(s\) URL/);
    expect(() => parseEnv({ PROVIDER_TIMEOUT_MS: '5' })).toThrow(/PROVIDER_TIMEOUT_MS/);
    expect(() => parseEnv({ JUSPAY_BASE_URL: 'not a url' })).toThrow(/^(?!.*not a url).*JUSPAY_BASE_URL/);
    expect(parseEnv({ PROVIDER_TIMEOUT_MS: '2500' }).PROVIDER_TIMEOUT_MS).toBe(2500);
    expect(() => parseEnv({ JUSPAY_API_VERSION: 'latest' })).toThrow(/JUSPAY_API_VERSION: must be a date/);
    expect(parseEnv({ JUSPAY_API_VERSION: ' ' }).JUSPAY_API_VERSION).toBe('2023-06-30');
  });
});
