import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '@/lib/env';
import { startSandboxWithProviders } from '@/sandbox/testing';
import type { Sandbox } from '@/sandbox/server';
import { createProviders, providersConfig, type Providers } from '.';
import { errorCollector } from './testing';

let sandbox: Sandbox;
let fresh: () => Providers;
let wallet: Providers['enkashWallet'];
const errors = errorCollector();
const tokensSeen = new Set<string>();
let n = 0;
const card = () => ({ cardAccountId: `CAC${++n}`, enKashCardId: `EKC${Date.now()}${n}` });

beforeAll(async () => {
  // 2 s: a busy machine can keep the in-process simulator from answering within a shorter deadline.
  ({ sandbox, providers: fresh } = await startSandboxWithProviders({ timeoutMs: 2000 }));
  wallet = fresh().enkashWallet;
});
afterEach(() => {
  sandbox.control.issuedTokens().forEach((t) => tokensSeen.add(t));
  sandbox.control.clearFaults();
});
afterAll(async () => {
  await sandbox.close();
});

const counts = () => sandbox.control.counts();
const withEnv = (overrides: Record<string, string | undefined>) => createProviders(providersConfig(parseEnv({ ...sandbox.env, ...overrides }))).enkashWallet;

describe('Enkash Wallet client against the simulator', () => {
  it('generates a transaction OTP: the request id and the masked mobile, nothing more', async () => {
    const result = await wallet.generateTransactionOtp(card());
    expect(result).toMatchObject({ provider: 'enkash_wallet', budget: null, maskedMobile: '60XXXXXX11', message: 'Success', challengeId: null });
    expect(result.providerRequestId).toMatch(/^EK[A-Z0-9]{10}$/);
  });

  it('keeps one OAuth token for many calls, renews it on a 401, and fails after a second 401', async () => {
    const client = fresh().enkashWallet;
    const before = counts();
    await Promise.all(Array.from({ length: 10 }, () => client.generateTransactionOtp(card())));
    expect(counts()['wallet.token'] - before['wallet.token']).toBe(1);

    sandbox.control.revokeTokens();
    await client.generateTransactionOtp(card());
    expect(counts()['wallet.token'] - before['wallet.token']).toBe(2);

    sandbox.control.setFault('wallet.otp', { mode: '401' });
    const err = await errors.caught(client.generateTransactionOtp(card()));
    expect(err.code).toBe('unauthorized');
  });

  it('fails with unauthorized on a wrong client secret, user password or partner id', async () => {
    for (const overrides of [{ ENKASH_WALLET_CLIENT_SECRET: 'wrong-client-secret' }, { ENKASH_WALLET_PASSWORD: 'wrong-password' }, { ENKASH_WALLET_PARTNER_ID: 'OTHERPARTNER' }]) {
      const err = await errors.caught(withEnv(overrides).generateTransactionOtp(card()));
      expect(err.code, Object.keys(overrides)[0]).toBe('unauthorized');
    }
  });

  it('answers rate_limited past the card budget', async () => {
    const c = card();
    for (let i = 0; i < 3; i++) await wallet.generateTransactionOtp(c);
    expect((await errors.caught(wallet.generateTransactionOtp(c))).code).toBe('rate_limited');
  });

  it('on a timeout reports the send as unknown and does not retry it', async () => {
    await wallet.generateTransactionOtp(card());
    const c = card();
    sandbox.control.setFault('wallet.otp', { mode: 'timeout' });
    const before = counts();
    const err = await errors.caught(wallet.generateTransactionOtp(c));
    expect(err.code).toBe('provider_timeout');
    expect(err.details.outcomeUnknown).toBe(true);
    expect(counts()['wallet.otp'] - before['wallet.otp']).toBe(1);
    expect(sandbox.control.transaction('enkash_wallet', `${c.cardAccountId}:${c.enKashCardId}`)?.sendRequests).toBe(1);
  });

  it('maps 5xx and garbage, from the token endpoint or the OTP endpoint, to provider_error', async () => {
    for (const mode of ['5xx', 'garbage'] as const) {
      sandbox.control.setFault('wallet.otp', { mode, times: 1 });
      expect((await errors.caught(wallet.generateTransactionOtp(card()))).code).toBe('provider_error');
      sandbox.control.setFault('wallet.token', { mode, times: 1 });
      expect((await errors.caught(fresh().enkashWallet.generateTransactionOtp(card()))).code).toBe('provider_error');
    }
  });

  it('never puts a token or secret in an error', () => {
    sandbox.control.issuedTokens().forEach((t) => tokensSeen.add(t));
    const e = sandbox.env;
    const secrets = [e.ENKASH_WALLET_CLIENT_SECRET, e.ENKASH_WALLET_PASSWORD, 'wrong-client-secret', 'wrong-password', ...tokensSeen];
    expect(errors.seen.length).toBeGreaterThan(6);
    expect(errors.leaked(secrets)).toEqual([]);
  });
});
