import type { OtpKind, Transaction } from '@/db/schema';

/**
 * Provider ids an OTP call needs beyond the transaction id. The keys are the ones kept in
 * transactions.otp_refs: the Juspay webhook fills the Juspay ones, and the checkout's OTP proxy
 * call fills any still empty (lib/otp/api.ts); a stored id is never replaced.
 */
export interface OtpRefs {
  /** Juspay's own id of the attempt (`id` in its replies), the {id} of its OTP calls when known. */
  txnUuid?: string;
  challengeId?: string;
  customerId?: string;
  cardAccountId?: string;
  enKashCardId?: string;
}

const REF_COLUMNS = { txnUuid: 'txn_uuid', challengeId: 'challenge_id', customerId: 'customer_id', cardAccountId: 'card_account_id', enKashCardId: 'enkash_card_id' } as const;

// The two ids of an Enkash Wallet card choose whose phone a wallet transaction OTP rings. They
// are only ever the payment's own, as stored: ids named in a request are compared, never used,
// or a support agent could send an OTP to any customer's card from any open Enkash payment.
// (Juspay's ids given with a request may stand in for the stored ones: its OTP calls name the
// payment's own transaction, so a wrong challenge or customer id fails at Juspay.)
const WALLET_KEYS = ['cardAccountId', 'enKashCardId'] as const;
const isWalletKey = (key: keyof OtpRefs) => (WALLET_KEYS as readonly string[]).includes(key);

/** The refs stored on a payment; Juspay ids given with a request take precedence, wallet card ids never do. */
export function otpRefsOf(t: Pick<Transaction, 'otpRefs'>, given: OtpRefs = {}): OtpRefs {
  const refs: OtpRefs = {};
  for (const [key, column] of Object.entries(REF_COLUMNS) as [keyof OtpRefs, string][]) {
    const value = (isWalletKey(key) ? undefined : given[key]) || t.otpRefs?.[column];
    if (typeof value === 'string' && value) refs[key] = value;
  }
  return refs;
}

/** The same refs as stored in otp_refs. */
export function refsToColumns(refs: OtpRefs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, column] of Object.entries(REF_COLUMNS) as [keyof OtpRefs, string][]) if (refs[key]) out[column] = refs[key]!;
  return out;
}

/** Whether this OTP action is a wallet transaction OTP (for an Enkash Wallet payment, a resend is one). */
export const isWalletSend = (t: Pick<Transaction, 'provider'>, kind: OtpKind) => kind === 'wallet_otp' || (t.provider === 'enkash_wallet' && kind === 'resend');

/**
 * A wallet payment, the only kind a wallet transaction OTP is offered and sent for: an Enkash
 * Wallet transaction, or an Enkash PG payment whose stored refs name a wallet card (the checkout
 * gave it with its OTP call). Enkash's paymentMode WALLET alone is not one: it says how the
 * customer paid, not with which card, and the Enkash notification carries no card ids.
 */
export function isWalletPayment(t: Pick<Transaction, 'provider' | 'otpRefs'>): boolean {
  if (t.provider === 'enkash_wallet') return true;
  const stored = otpRefsOf(t);
  return t.provider === 'enkash' && WALLET_KEYS.some((k) => stored[k]);
}

/** The stored wallet card as the payment page shows it: the last four characters of each id. */
export function maskedWalletCard(t: Pick<Transaction, 'otpRefs'>): { cardAccountId: string; enKashCardId: string } | null {
  const { cardAccountId, enKashCardId } = otpRefsOf(t);
  if (!cardAccountId || !enKashCardId) return null;
  const mask = (id: string) => `…${id.slice(-4)}`;
  return { cardAccountId: mask(cardAccountId), enKashCardId: mask(enKashCardId) };
}

export interface WalletRefusal {
  outcome: 'refused_other_card' | 'refused_not_wallet';
  code: 'forbidden' | 'invalid_input';
  message: string;
  /** The wallet card ids the request named, for the audit row. */
  named: Partial<Record<(typeof WALLET_KEYS)[number], string>>;
}

/**
 * Why an OTP request may not go ahead at all, decided before anything is reserved or sent: it
 * names wallet card ids other than the payment's stored ones (whatever the action), or it asks for
 * a wallet OTP on a payment that is not a wallet payment. Null when it may go ahead.
 */
export function walletRefusal(t: Pick<Transaction, 'provider' | 'otpRefs'>, kind: OtpKind, given: OtpRefs): WalletRefusal | null {
  const stored = otpRefsOf(t);
  const named = Object.fromEntries(WALLET_KEYS.filter((k) => given[k]).map((k) => [k, given[k]!]));
  if (WALLET_KEYS.some((k) => given[k] && given[k] !== stored[k])) {
    return {
      outcome: 'refused_other_card',
      code: 'forbidden',
      message: "These wallet card ids are not this payment's. A wallet OTP goes only to the card the payment was made with; nothing was sent, and the request is in the audit log.",
      named,
    };
  }
  if (isWalletSend(t, kind) && !isWalletPayment(t)) {
    return {
      outcome: 'refused_not_wallet',
      code: 'invalid_input',
      message: 'This is not a wallet payment: no Enkash Wallet card is recorded for it, so there is no card to send a wallet OTP to. Nothing was sent.',
      named,
    };
  }
  return null;
}
