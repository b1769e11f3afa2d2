import type { OtpBudget, OtpKind, OtpOutcome, Transaction } from '@/db/schema';
import { env } from '@/lib/env';
import { statusLabel } from '@/lib/payments/labels';

export interface OtpLimits {
  maxPerPayment: number;
  cooldownSeconds: number;
  maxPerAgentPerHour: number;
  maxGlobalPerHour: number;
  windowMinutes: number;
  maxValidationsPerPayment: number;
}

export function otpLimits(): OtpLimits {
  const e = env();
  return {
    maxPerPayment: e.OTP_MAX_PER_PAYMENT,
    cooldownSeconds: e.OTP_COOLDOWN_SECONDS,
    maxPerAgentPerHour: e.OTP_MAX_PER_AGENT_PER_HOUR,
    maxGlobalPerHour: e.OTP_MAX_GLOBAL_PER_HOUR,
    windowMinutes: e.OTP_WINDOW_MINUTES,
    maxValidationsPerPayment: e.OTP_MAX_VALIDATIONS_PER_PAYMENT,
  };
}

/**
 * How long a reserved attempt may wait for its outcome before it is closed as outcome_unknown.
 * A send may make two provider calls, each with its own deadline (a token, then the call); the
 * margin covers the two database transactions around them on a slow database.
 */
export const STALE_ATTEMPT_MARGIN_MS = 60_000;
export function staleAttemptMs(providerTimeoutMs: number = env().PROVIDER_TIMEOUT_MS): number {
  return 2 * providerTimeoutMs + STALE_ATTEMPT_MARGIN_MS;
}

const PROVIDER_NAMES: Record<string, string> = { enkash: 'Enkash', juspay: 'Juspay', enkash_wallet: 'Enkash Wallet' };
export const providerName = (provider: string) => PROVIDER_NAMES[provider] ?? provider;

type Waitable = Pick<Transaction, 'provider' | 'status' | 'statusFamily' | 'txnAt'>;

export type Waiting = { waiting: true; windowEndsAt: Date } | { waiting: false; outcome: 'refused_not_waiting' | 'refused_window'; reason: string };

/**
 * Whether a payment is waiting for an OTP: Juspay says so with PENDING_VBV; for Enkash any
 * non-final status may be. Either way only inside the OTP window, counted from the payment's
 * time: past it the customer's OTP screen has long expired.
 */
export function waitingForOtp(t: Waitable, now: Date, limits: Pick<OtpLimits, 'windowMinutes'>): Waiting {
  const waitingStatus = t.provider === 'juspay' ? t.status === 'PENDING_VBV' : t.statusFamily === 'open';
  if (!waitingStatus) {
    // One plain statement of the rule, with the status in words (no "not … non-final").
    const rule =
      t.provider === 'juspay'
        ? 'Juspay sends OTPs only while a payment waits for one (Waiting for OTP (VBV))'
        : 'OTPs are sent only while a payment is still open (created, pending with the bank or authorised)';
    return { waiting: false, outcome: 'refused_not_waiting', reason: `This payment is not waiting for an OTP: it is ${statusLabel(t.status)}. ${rule}.` };
  }
  const windowEndsAt = new Date(t.txnAt.getTime() + limits.windowMinutes * 60_000);
  if (now >= windowEndsAt) {
    return {
      waiting: false,
      outcome: 'refused_window',
      reason: `The OTP window has closed: OTPs can be sent for ${limits.windowMinutes} minutes after the payment started.`,
    };
  }
  return { waiting: true, windowEndsAt };
}

export interface BudgetView {
  sent: number;
  limit: number;
  remaining: number;
  /** Whose count `sent / limit` is: the provider's when it has told, else PayOps' own. */
  source: 'provider' | 'payops';
  cooldownUntil: Date | null;
}

/** The budget as shown and answered: the provider's figures when known, never more than PayOps allows. */
export function budgetView(b: Pick<OtpBudget, 'sent' | 'sendLimit' | 'providerSent' | 'providerLimit' | 'cooldownUntil'> | null, limits: Pick<OtpLimits, 'maxPerPayment'>, now = new Date()): BudgetView {
  const sent = b?.sent ?? 0;
  const limit = b?.sendLimit ?? limits.maxPerPayment;
  const ours = Math.max(0, limit - sent);
  const cooldownUntil = b?.cooldownUntil && b.cooldownUntil > now ? b.cooldownUntil : null;
  if (b && b.providerSent !== null && b.providerLimit !== null) {
    const theirs = Math.max(0, b.providerLimit - b.providerSent);
    return { sent: b.providerSent, limit: b.providerLimit, remaining: Math.min(ours, theirs), source: 'provider', cooldownUntil };
  }
  return { sent, limit, remaining: ours, source: 'payops', cooldownUntil };
}

/** The outcome in words, for the agent and the merchant's checkout. Never an OTP. */
export function describeOutcome(outcome: OtpOutcome, opts: { retryAfterSeconds?: number | null; provider?: string; kind?: OtpKind } = {}): string {
  const wait = opts.retryAfterSeconds ? ` Try again in ${formatWait(opts.retryAfterSeconds)}.` : '';
  if (opts.kind === 'validate') {
    // A validate sends nothing to the customer: its refusals read differently.
    if (outcome === 'refused_payment_limit') return 'Not passed on: this payment has used all its OTP validation attempts through PayOps.';
    if (outcome === 'provider_refused') return `${opts.provider ?? 'The provider'} refused: a wrong or expired OTP, or ids it does not know.`;
    if (outcome === 'provider_timeout_unknown') return 'The provider did not answer in time: the OTP may have been accepted. Check the payment status before trying again.';
    if (outcome === 'outcome_unknown') return "PayOps stopped before the provider's answer was recorded: the OTP may have been accepted. Check the payment status before trying again.";
  }
  switch (outcome) {
    case 'sent':
      return 'Sent: the provider accepted the request and sends the OTP to the customer.';
    case 'validated':
      return 'Passed to the provider; its answer is below.';
    case 'refused_payment_limit':
      return 'Not sent: this payment has used its whole OTP budget. It does not free up; the customer can start a new payment.';
    case 'refused_cooldown':
      return `Not sent: an OTP was sent moments ago; wait for the cooldown.${wait}`;
    case 'refused_agent_limit':
      return `Not sent: you have reached your hourly OTP limit.${wait}`;
    case 'refused_global_limit':
      return `Not sent: PayOps has reached its hourly OTP ceiling for everyone.${wait}`;
    case 'refused_not_waiting':
      return 'Not sent: this payment is not waiting for an OTP.';
    case 'refused_window':
      return 'Not sent: the OTP window for this payment has closed.';
    case 'refused_missing_refs':
      return 'Not sent: the provider ids this call needs are missing for this payment.';
    case 'rate_limited_by_provider':
      return `Not sent: ${opts.provider ?? 'the provider'} says this payment has reached its OTP limit. PayOps will not ask again.`;
    case 'provider_refused':
      return `Not sent: ${opts.provider ?? 'the provider'} refused the request (it does not know these ids, or they are no longer valid).`;
    case 'provider_error':
      return `The provider failed to answer properly, so the OTP may not have been sent. The attempt still counts against the budget, to protect the customer's phone.`;
    case 'provider_timeout_unknown':
      return 'The provider did not answer in time: the OTP may have been sent. Check the payment status before sending again; the attempt counts against the budget.';
    case 'outcome_unknown':
      return "PayOps stopped before the provider's answer was recorded: the OTP may have been sent. Check the payment status before sending again; the attempt counts against the budget.";
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

/** HTTP status for an outcome, for the OTP proxy. */
export function outcomeStatus(outcome: OtpOutcome): number {
  switch (outcome) {
    case 'sent':
    case 'validated':
      return 200;
    case 'refused_payment_limit':
    case 'refused_cooldown':
    case 'refused_agent_limit':
    case 'refused_global_limit':
    case 'rate_limited_by_provider':
      return 429;
    case 'refused_not_waiting':
    case 'refused_window':
      return 409;
    case 'refused_missing_refs':
      return 400;
    case 'provider_refused':
      return 422;
    case 'provider_error':
      return 502;
    case 'provider_timeout_unknown':
    case 'outcome_unknown':
      return 504;
  }
}
