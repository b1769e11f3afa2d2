import { createHash } from 'node:crypto';
import type { StatusFamily } from './status';

/** What replaces a secret (a payment token, a saved-card reference) wherever it is kept. */
export const REDACTED = '[redacted]';

export const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/**
 * A provider's claim about one transaction, normalised and already scrubbed of card numbers
 * and secrets: what ingest.ts writes. Money is decimal text, never a float.
 */
export interface PaymentClaim {
  provider: 'enkash' | 'juspay';
  transactionId: string;
  uniqueTransactionId: string | null;
  orderId: string | null;
  bankTransactionId: string | null;
  status: string;
  statusRank: number;
  statusFamily: StatusFamily;
  transactionStatus: string | null;
  orderStatus: string | null;
  txnMessage: string | null;
  paymentMode: string | null;
  currency: string | null;
  amount: string | null;
  surcharge: string | null;
  surchargeGst: string | null;
  finalAmount: string | null;
  transactionAmount: string | null;
  mdr: string | null;
  mdrGst: string | null;
  cardScheme: string | null;
  cardLast4: string | null;
  bankCode: string | null;
  bankName: string | null;
  cardholderName: string | null;
  paymentTokenSha256: string | null;
  txnAt: Date | null;
  /**
   * Provider ids a later OTP call needs (Juspay txn_uuid, challenge and customer ids), merged
   * into transactions.otp_refs key by key. Never an OTP, a token or a card number.
   */
  otpRefs: Record<string, string>;
  flags: string[];
  /** The notification as received, scrubbed, with the payment token replaced. */
  payload: Record<string, unknown>;
  /** Identity of the event: a repeat with the same hash is a duplicate. */
  payloadSha256: string;
}

export type NormalizeResult = { ok: true; claim: PaymentClaim } | { ok: false; reason: string };
