import type { StatusFamily } from './status';

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
  flags: string[];
  /** The notification as received, scrubbed, with the payment token replaced. */
  payload: Record<string, unknown>;
  payloadSha256: string;
}
