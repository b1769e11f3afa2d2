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
  return lookup(ENKASH_PAYMENT, status);
}

// Juspay order and transaction statuses (its Transaction Status table; ../shared/DESIGN.md).
// PENDING_VBV is the Direct OTP wait. Juspay keeps a refunded order CHARGED (with `refunded`);
// AUTO_REFUNDED is its own status and, like Enkash's refunds, follows success.
const JUSPAY: Record<string, Omit<StatusInfo, 'known'>> = {
  NEW: { rank: 10, family: 'open' },
  STARTED: { rank: 15, family: 'open' },
  PENDING_VBV: { rank: 20, family: 'open' },
  AUTHORIZING: { rank: 25, family: 'open' },
  AUTHORIZED: { rank: 30, family: 'open' },
  CAPTURE_INITIATED: { rank: 35, family: 'open' },
  VOID_INITIATED: { rank: 35, family: 'open' },
  CHARGED: { rank: 50, family: 'success' },
  PARTIAL_CHARGED: { rank: 50, family: 'success' },
  AUTHENTICATION_FAILED: { rank: 50, family: 'failed' },
  AUTHORIZATION_FAILED: { rank: 50, family: 'failed' },
  JUSPAY_DECLINED: { rank: 50, family: 'failed' },
  CAPTURE_FAILED: { rank: 50, family: 'failed' },
  VOIDED: { rank: 50, family: 'cancelled' },
  AUTO_REFUNDED: { rank: 70, family: 'success' },
};

export const JUSPAY_STATUSES = Object.keys(JUSPAY);

/**
 * Juspay's numeric `status_id` beside each status in the order status API (../shared/DESIGN.md,
 * "Juspay Order Status"): a reply that names only the number is still understood.
 */
export const JUSPAY_STATUS_IDS: Readonly<Record<string, number>> = {
  NEW: 10,
  CHARGED: 21,
  JUSPAY_DECLINED: 22,
  PENDING_VBV: 23,
  AUTHENTICATION_FAILED: 26,
  AUTHORIZATION_FAILED: 27,
  AUTHORIZING: 28,
};

/** The status a Juspay `status_id` stands for, or null for a number not in the table. */
export function juspayStatusForId(id: number): string | null {
  return Object.entries(JUSPAY_STATUS_IDS).find(([, n]) => n === id)?.[0] ?? null;
}

/** Final: the payment has an outcome (success, failed, cancelled); 'open' means the provider is not done with it. */
export const isFinalFamily = (family: StatusFamily): boolean => family !== 'open';

export function juspayStatusInfo(status: string): StatusInfo {
  return lookup(JUSPAY, status);
}

/** The precedence of a status as its provider defines it. */
export function statusInfo(provider: string, status: string): StatusInfo {
  return provider === 'juspay' ? juspayStatusInfo(status) : enkashStatusInfo(status);
}

function lookup(table: Record<string, Omit<StatusInfo, 'known'>>, status: string): StatusInfo {
  const known = Object.hasOwn(table, status) ? table[status] : undefined;
  return known ? { ...known, known: true } : { rank: 0, family: 'open', known: false };
}

/**
 * Juspay's payment_method_type (with card_type for cards) as the payment modes PayOps already
 * uses for Enkash, so totals by mode add both providers up; anything else is kept as sent.
 */
export function juspayPaymentMode(methodType: string | null, cardType: string | null): string | null {
  if (methodType === 'CARD') {
    const byCard: Record<string, string> = { CREDIT: 'CREDIT_CARD', DEBIT: 'DEBIT_CARD', PREPAID: 'PREPAID_CARD' };
    return (cardType && byCard[cardType]) || 'CARD';
  }
  const byType: Record<string, string> = { NB: 'NET_BANKING', UPI: 'UPI', WALLET: 'WALLET', CONSUMER_FINANCE: 'PAY_LATER' };
  return methodType === null ? null : (byType[methodType] ?? methodType);
}

/** Modes a Juspay payment can be given: Enkash's, plus a card whose type Juspay did not say. */
export const JUSPAY_PAYMENT_MODES = new Set([...ENKASH_PAYMENT_MODES, 'CARD']);

/** What an accepted event did to its transaction. */
export type Effect = 'created' | 'applied' | 'refreshed' | 'stale' | 'conflict';

/**
 * Every status a provider documents, for the status filter: Enkash's, then Juspay's not already
 * listed (PENDING_VBV, CHARGED…). A status outside this list still shows when the URL asks for it.
 */
export const KNOWN_STATUSES: readonly string[] = [...new Set([...ENKASH_PAYMENT_STATUSES, ...JUSPAY_STATUSES])];

/** Every payment mode either provider's payments are given, for the mode filter. */
export const KNOWN_PAYMENT_MODES: readonly string[] = [...JUSPAY_PAYMENT_MODES];
