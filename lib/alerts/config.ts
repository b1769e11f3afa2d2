import type { Env } from '@/lib/env';

/** When each alert rule trips and clears. From the ALERT_* variables (lib/env.ts, README). */
export interface AlertConfig {
  /** provider_silent: no accepted notification for this many minutes… */
  silenceMinutes: number;
  /** …while on most of the last 7 days the same minutes brought at least this many. */
  silenceMinExpected: number;
  /** deliveries_refused: the window refusals are counted over… */
  refusedWindowMinutes: number;
  /** …the share of deliveries refused in it (0–1) that trips the rule… */
  refusedShare: number;
  /** …and the fewest refusals that may trip it (one refused test request is not an incident). */
  refusedMinCount: number;
  /** payment_disagreements: provider-check mismatches plus status conflicts in the last hour. */
  mismatchPerHour: number;
  /** money_past_deadline: payments stuck at the bank past the RBI turnaround that trip it. */
  stuckPastDeadline: number;
  /** success_rate_drop: how far (0–1, absolute) the last hour's success rate may fall below the same hour's on the last 7 days… */
  successRateDrop: number;
  /** …with at least this many finished payments in the hour, and in the baseline. */
  successRateMinCount: number;
  /** otp_refusals: OTP sends refused by a limit in the last hour. */
  otpRefusalsPerHour: number;
  /** jobs_failing: jobs of one queue failed in the last hour. */
  jobFailuresPerHour: number;
  /** An alert resolves only after its condition has stayed clear this long (no flapping). */
  resolveAfterMinutes: number;
}

export const DEFAULT_ALERT_CONFIG: AlertConfig = {
  silenceMinutes: 15,
  silenceMinExpected: 5,
  refusedWindowMinutes: 5,
  refusedShare: 0.2,
  refusedMinCount: 5,
  mismatchPerHour: 5,
  stuckPastDeadline: 1,
  successRateDrop: 0.2,
  successRateMinCount: 20,
  otpRefusalsPerHour: 20,
  jobFailuresPerHour: 3,
  resolveAfterMinutes: 5,
};

export function alertConfigFromEnv(e: Env): AlertConfig {
  return {
    silenceMinutes: e.ALERT_SILENCE_MINUTES,
    silenceMinExpected: e.ALERT_SILENCE_MIN_EXPECTED,
    refusedWindowMinutes: e.ALERT_REFUSED_WINDOW_MINUTES,
    refusedShare: e.ALERT_REFUSED_SHARE,
    refusedMinCount: e.ALERT_REFUSED_MIN_COUNT,
    mismatchPerHour: e.ALERT_MISMATCH_PER_HOUR,
    stuckPastDeadline: e.ALERT_STUCK_PAST_DEADLINE,
    successRateDrop: e.ALERT_SUCCESS_RATE_DROP,
    successRateMinCount: e.ALERT_SUCCESS_RATE_MIN_COUNT,
    otpRefusalsPerHour: e.ALERT_OTP_REFUSALS_PER_HOUR,
    jobFailuresPerHour: e.ALERT_JOB_FAILURES_PER_HOUR,
    resolveAfterMinutes: e.ALERT_RESOLVE_AFTER_MINUTES,
  };
}

/** Where alert messages go; `url` unset means "not configured" (alerts still show on /alerts). */
export interface AlertWebhookConfig {
  url?: string;
  secret?: string;
  timeoutMs: number;
  /** PayOps' own address, for the link to /alerts in each message. */
  publicUrl?: string;
}

export function alertWebhookFromEnv(e: Env): AlertWebhookConfig {
  return { url: e.ALERT_WEBHOOK_URL, secret: e.ALERT_WEBHOOK_SECRET, timeoutMs: e.ALERT_WEBHOOK_TIMEOUT_MS, publicUrl: e.PAYOPS_PUBLIC_URL };
}
