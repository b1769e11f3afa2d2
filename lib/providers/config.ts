import type { Env } from '@/lib/env';

/** Where each provider lives and how PayOps signs in, from the environment (README, "Configuration"). */
export interface EnkashPgConfig {
  baseUrl: string;
  accessKey: string;
  secretKey: string;
}

export interface EnkashWalletConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  username: string;
  password: string;
  partnerId: string;
}

export interface JuspayConfig {
  baseUrl: string;
  apiKey: string;
  /** `x-merchantid` of the order status API; null: that call answers "not configured" (OTP calls do not need it). */
  merchantId?: string | null;
  /** `version` header of the order status API (JUSPAY_API_VERSION). */
  apiVersion?: string;
}

/** A provider's settings, or the variables still missing (its calls then fail with "not configured"). */
export type Configured<T> = T | { missing: string[] };

export interface ProvidersConfig {
  timeoutMs: number;
  enkash: Configured<EnkashPgConfig>;
  enkashWallet: Configured<EnkashWalletConfig>;
  juspay: Configured<JuspayConfig>;
}

export function providersConfig(e: Env): ProvidersConfig {
  return {
    timeoutMs: e.PROVIDER_TIMEOUT_MS,
    enkash: pick(e, {
      baseUrl: 'ENKASH_BASE_URL',
      accessKey: 'ENKASH_ACCESS_KEY',
      secretKey: 'ENKASH_SECRET_KEY',
    }),
    enkashWallet: pick(e, {
      baseUrl: 'ENKASH_WALLET_BASE_URL',
      clientId: 'ENKASH_WALLET_CLIENT_ID',
      clientSecret: 'ENKASH_WALLET_CLIENT_SECRET',
      username: 'ENKASH_WALLET_USERNAME',
      password: 'ENKASH_WALLET_PASSWORD',
      partnerId: 'ENKASH_WALLET_PARTNER_ID',
    }),
    juspay: withJuspayExtras(e, pick(e, { baseUrl: 'JUSPAY_BASE_URL', apiKey: 'JUSPAY_API_KEY' })),
  };
}

function withJuspayExtras(e: Env, c: Configured<{ baseUrl: string; apiKey: string }>): Configured<JuspayConfig> {
  if (!isConfigured(c)) return c;
  return { ...c, merchantId: e.JUSPAY_MERCHANT_ID ?? null, apiVersion: e.JUSPAY_API_VERSION };
}

export function isConfigured<T extends object>(c: Configured<T>): c is T {
  return !('missing' in c);
}

function pick<K extends string>(e: Env, vars: Record<K, keyof Env>): Configured<Record<K, string>> {
  const out = {} as Record<K, string>;
  const missing: string[] = [];
  for (const [key, name] of Object.entries(vars) as [K, keyof Env][]) {
    const value = e[name];
    if (typeof value === 'string' && value) out[key] = value;
    else missing.push(name);
  }
  return missing.length ? { missing } : out;
}
