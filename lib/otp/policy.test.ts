import { describe, expect, it } from 'vitest';
import { OTP_OUTCOMES } from '@/db/schema';
import { budgetView, describeOutcome, outcomeStatus, waitingForOtp } from './policy';

const now = new Date('2026-01-09T06:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const limits = { windowMinutes: 10, maxPerPayment: 3 };

describe('waiting for an OTP', () => {
  it('is Juspay PENDING_VBV or a non-final Enkash status, inside the window', () => {
    expect(waitingForOtp({ provider: 'juspay', status: 'PENDING_VBV', statusFamily: 'open', txnAt: minutesAgo(9) }, now, limits)).toEqual({
      waiting: true,
      windowEndsAt: new Date(minutesAgo(9).getTime() + 600_000),
    });
    expect(waitingForOtp({ provider: 'enkash', status: 'PENDING_WITH_BANK', statusFamily: 'open', txnAt: minutesAgo(1) }, now, limits).waiting).toBe(true);
    expect(waitingForOtp({ provider: 'enkash_wallet', status: 'CREATED', statusFamily: 'open', txnAt: minutesAgo(1) }, now, limits).waiting).toBe(true);
  });

  it('is not a final status, nor a Juspay status other than PENDING_VBV', () => {
    const success = waitingForOtp({ provider: 'enkash', status: 'SUCCESS', statusFamily: 'success', txnAt: minutesAgo(1) }, now, limits);
    expect(success).toEqual({
      waiting: false,
      outcome: 'refused_not_waiting',
      reason: 'This payment is not waiting for an OTP: it is Success. OTPs are sent only while a payment is still open (created, pending with the bank or authorised).',
    });
    expect(waitingForOtp({ provider: 'juspay', status: 'AUTHORIZING', statusFamily: 'open', txnAt: minutesAgo(1) }, now, limits)).toMatchObject({
      waiting: false,
      outcome: 'refused_not_waiting',
      reason: 'This payment is not waiting for an OTP: it is Authorizing. Juspay sends OTPs only while a payment waits for one (Waiting for OTP (VBV)).',
    });
  });

  it('closes exactly at the end of the window', () => {
    expect(waitingForOtp({ provider: 'juspay', status: 'PENDING_VBV', statusFamily: 'open', txnAt: minutesAgo(10) }, now, limits)).toMatchObject({
      waiting: false,
      outcome: 'refused_window',
    });
  });
});

describe('the budget shown', () => {
  const row = { sent: 1, sendLimit: 3, providerSent: null, providerLimit: null, cooldownUntil: new Date(now.getTime() + 30_000) };

  it("is PayOps' own count until the provider tells, with the cooldown while it runs", () => {
    expect(budgetView(null, limits, now)).toEqual({ sent: 0, limit: 3, remaining: 3, source: 'payops', cooldownUntil: null });
    expect(budgetView(row, limits, now)).toEqual({ sent: 1, limit: 3, remaining: 2, source: 'payops', cooldownUntil: row.cooldownUntil });
    expect(budgetView(row, limits, new Date(now.getTime() + 31_000)).cooldownUntil).toBeNull();
  });

  it("is the provider's once told, never with more left than PayOps allows", () => {
    expect(budgetView({ ...row, providerSent: 2, providerLimit: 5 }, limits, now)).toMatchObject({ sent: 2, limit: 5, remaining: 2, source: 'provider' });
    expect(budgetView({ ...row, providerSent: 2, providerLimit: 2 }, limits, now)).toMatchObject({ remaining: 0 });
  });
});

describe('outcomes', () => {
  it('every outcome has words and an HTTP status; limits are 429, provider failures 502/504', () => {
    for (const o of OTP_OUTCOMES) {
      expect(describeOutcome(o).length).toBeGreaterThan(10);
      expect(outcomeStatus(o)).toBeGreaterThanOrEqual(200);
    }
    expect(['refused_payment_limit', 'refused_cooldown', 'refused_agent_limit', 'refused_global_limit', 'rate_limited_by_provider'].map((o) => outcomeStatus(o as never))).toEqual([429, 429, 429, 429, 429]);
    expect(outcomeStatus('provider_error')).toBe(502);
    expect(outcomeStatus('provider_timeout_unknown')).toBe(504);
    expect(describeOutcome('refused_cooldown', { retryAfterSeconds: 12 })).toContain('12 s');
    expect(describeOutcome('provider_timeout_unknown')).toMatch(/may have been sent/);
  });
});
