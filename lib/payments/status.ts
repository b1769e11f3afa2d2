/**
 * Status precedence. A transaction only moves forward: a late, lower-ranked claim (PENDING
 * after SUCCESS) never wins, and a claim from another final family (FAILED after SUCCESS) is
 * a contradiction kept for a person, not resolved. This file decides ranks and families; the
 * upsert in ingest.ts applies them against the locked row.
 */
export type StatusFamily = 'open' | 'success' | 'failed' | 'cancelled';

export interface StatusInfo {
  rank: number;
  family: StatusFamily;
  known: boolean;
}

// Enkash payment statuses seen in its docs (../shared/DESIGN.md). Refunds follow success.
const ENKASH_PAYMENT: Record<string, Omit<StatusInfo, 'known'>> = {
  CREATED: { rank: 10, family: 'open' },
  PENDING_WITH_BANK: { rank: 20, family: 'open' },
  AUTHORIZED: { rank: 30, family: 'open' },
  SUCCESS: { rank: 50, family: 'success' },
  FAILED: { rank: 50, family: 'failed' },
  CANCELLED: { rank: 50, family: 'cancelled' },
  PARTIALLY_REFUNDED: { rank: 60, family: 'success' },
  REFUNDED: { rank: 70, family: 'success' },
};

export const ENKASH_PAYMENT_STATUSES = Object.keys(ENKASH_PAYMENT);

export const ENKASH_ORDER_STATUSES = new Set([
  'CREATED',
  'CHECKOUT_RENDERED',
  'ATTEMPTED',
  'PAID',
  'CANCELLED',
  'EXPIRED',
  'PAYMENT_CONFIRMATION_PENDING',
]);

export const ENKASH_PAYMENT_MODES = new Set([
  'CREDIT_CARD',
  'DEBIT_CARD',
  'PREPAID_CARD',
  'CORPORATE_CARD',
  'NET_BANKING',
  'UPI',
  'UPI_CREDIT_CARD',
  'PAY_LATER',
  'WALLET',
]);

/** Unknown statuses are kept with the lowest rank: they never overwrite a known one. */
export function enkashStatusInfo(status: string): StatusInfo {
  const known = ENKASH_PAYMENT[status];
  return known ? { ...known, known: true } : { rank: 0, family: 'open', known: false };
}

/** What an accepted event did to its transaction. */
export type Effect = 'created' | 'applied' | 'refreshed' | 'stale' | 'conflict';
