import { env } from '@/lib/env';

/** The refund rules in force (REFUND_* in lib/env.ts), read once per call so tests can change them. */
export function refundPolicy() {
  const e = env();
  return {
    /** Requests above this need a note and a minute's wait before approval. */
    noteAbove: e.REFUND_NOTE_ABOVE,
    expiryMs: e.REFUND_EXPIRY_HOURS * 3_600_000,
    userDailyLimit: e.REFUND_USER_DAILY_LIMIT,
    dailyLimit: e.REFUND_DAILY_LIMIT,
    stuckDays: e.REFUND_STUCK_DAYS,
    apiAutoApproveBelow: e.REFUND_API_AUTO_APPROVE_BELOW ?? null,
    /** A held request may not be approved until this long after it was asked for. */
    holdWaitMs: 60_000,
  };
}

/** Providers PayOps can refund through; an Enkash Wallet payment is refunded in Enkash's own console. */
export const REFUNDABLE_PROVIDERS = ['enkash', 'juspay'] as const;
export type RefundProvider = (typeof REFUNDABLE_PROVIDERS)[number];
export const isRefundableProvider = (p: string): p is RefundProvider => (REFUNDABLE_PROVIDERS as readonly string[]).includes(p);

/** Statuses after which no more money can go back. */
export const FULLY_REFUNDED_STATUSES = new Set(['REFUNDED', 'AUTO_REFUNDED']);

export const REASON_MAX = 500;
