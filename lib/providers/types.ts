/**
 * What every provider client promises its callers (the OTP console, the OTP proxy, the status
 * check). Provider-specific replies are validated with zod inside each client and mapped to
 * these shapes; provider failures become a ProviderError with a PayOps error code.
 */
export type ProviderName = 'enkash' | 'enkash_wallet' | 'juspay';

export type ProviderErrorCode =
  | 'provider_timeout' // no answer before the deadline
  | 'provider_error' // 5xx, garbage, or a reply that does not validate
  | 'rate_limited' // the provider's own OTP limit (Juspay max_limit_exceeded)
  | 'invalid_input' // the provider refused the ids or the OTP (4xx other than auth/limit)
  | 'not_found'
  | 'duplicate_request' // a refund request id the provider has already seen (Juspay duplicate.call): the first one landed
  | 'unauthorized'; // PayOps' credentials were refused (after one token refresh)

export class ProviderError extends Error {
  constructor(
    readonly code: ProviderErrorCode,
    message: string,
    readonly details: {
      provider: ProviderName;
      httpStatus?: number;
      providerRequestId?: string | null;
      /** A send (resend, generate) that timed out may or may not have reached the customer. */
      outcomeUnknown?: boolean;
    },
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/**
 * By shape, not only `instanceof`: the clients live on globalThis (lib/providers/index.ts), built
 * by whichever Next bundle asked first, so the error may be another bundle's copy of the class.
 */
export function isProviderError(err: unknown): err is ProviderError {
  if (err instanceof ProviderError) return true;
  const e = err as Partial<ProviderError> | null;
  return !!e && e.name === 'ProviderError' && typeof e.code === 'string' && typeof e.details === 'object' && e.details !== null;
}

/** The outcome of sending an OTP (Enkash PG resend, Enkash Wallet generate, Juspay resend). */
export interface OtpSendResult {
  provider: ProviderName;
  /** The provider's id for this send, when it gives one (Wallet otpRequestId, Juspay txn id…). */
  providerRequestId: string | null;
  /** The provider's own budget, when it tells (Juspay times_otp_sent / max_otp_send_limit). */
  budget: { sent: number; limit: number } | null;
  /** Enkash Wallet returns the mobile number masked (e.g. 60XXXXXX11); never anything more. */
  maskedMobile: string | null;
  /** The provider's words, safe to show an agent (never an OTP). */
  message: string;
  /** Juspay: the challenge id to use for the next resend or process call, when the reply names one. */
  challengeId?: string | null;
}

/** The outcome of a validate / process OTP call. The OTP itself is never part of any result. */
export interface OtpValidateResult {
  provider: ProviderName;
  status: string | null;
  message: string;
  providerRequestId: string | null;
}

/** What the provider's status API says about one transaction (trust, then verify). */
export interface ProviderStatus {
  provider: ProviderName;
  transactionId: string;
  status: string | null;
  raw: Record<string, unknown>;
}

/** One refund listed in a Juspay order (money as exact decimal text). */
export interface JuspayRefund {
  uniqueRequestId: string | null;
  id: string | null;
  status: string | null;
  amount: string | null;
  sentToGateway: boolean | null;
  /** The gateway's refund reference (`ref` / `epg_txn_id`) and the bank's ARN (`refund_arn`), when given. */
  ref: string | null;
  arn: string | null;
  errorMessage: string | null;
}

/** Where a refund stands at the provider, in PayOps' words. */
export type ProviderRefundState = 'pending' | 'succeeded' | 'failed' | 'manual_review';

/**
 * What a provider said about one refund: the answer to the refund call, or to a later status
 * question. Money is exact decimal text; the provider's own status word is kept beside PayOps'.
 */
export interface ProviderRefund {
  provider: ProviderName;
  /** PayOps' idempotent request id (Enkash `requestId`, Juspay `unique_request_id`). */
  requestId: string;
  /** The provider's id for the refund: Enkash's refund transaction id, Juspay's refund id. */
  providerRefundId: string | null;
  state: ProviderRefundState;
  providerStatus: string | null;
  amount: string | null;
  /** The bank's reference for the money's way back (ARN / RRN), when the provider gives one. */
  arn: string | null;
  /** The provider's words, safe to show staff. */
  message: string | null;
}

/**
 * Juspay's order status API (`GET /orders/{order_id}`): the order's status and the latest
 * attempt's ids. `transactionId` is that attempt's txn_id, else the order id. Money is exact
 * decimal text with four places (lib/money.ts), never a float; absent fields are null.
 */
export interface JuspayOrderStatus extends ProviderStatus {
  provider: 'juspay';
  orderId: string;
  statusId: number | null;
  txnId: string | null;
  txnUuid: string | null;
  amount: string | null;
  amountRefunded: string | null;
  refunded: boolean | null;
  refunds: JuspayRefund[];
  bankErrorCode: string | null;
  gatewayResponse: { rrn: string | null; epgTxnId: string | null; authIdCode: string | null; respCode: string | null } | null;
  /** udf1…udf10, the merchant's own fields; missing ones are null. */
  udf: Record<`udf${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10}`, string | null>;
}

/** One line of an Enkash settlement payout (settlementTransactionResponses[]); money exact text, null when absent. */
export interface SettlementLineReply {
  settlementTransactionId: string;
  transactionType: string | null;
  settlementStatus: string | null;
  saleAmount: string | null;
  txnAmount: string | null;
  taxAmount: string | null;
  charges: string | null;
  settlementAmount: string | null;
  acquirerGstAmount: string | null;
  merchantMdrMode: string | null;
  merchantMdr: string | null;
  netProfit: string | null;
  profitGst: string | null;
}

/** An Enkash settlement payout (Get / Search Settlement Payout, DESIGN.md); `lines` only from Get. */
export interface SettlementPayoutReply {
  settlementPayoutId: string;
  totalSaleAmount: string | null;
  totalRefundAmount: string | null;
  totalCharges: string | null;
  totalGst: string | null;
  totalSettlementAmount: string | null;
  refundChargebackAmount: string | null;
  carryForwardAmount: string | null;
  adjustmentAmount: string | null;
  payoutStatus: string | null;
  payoutMode: string | null;
  utr: string | null;
  /** payoutDate read as India time when it carries no zone. */
  payoutAt: Date | null;
  transferId: string | null;
  transferResponseReason: string | null;
  lines: SettlementLineReply[];
}

export interface SettlementSearch {
  offset: number;
  /** At most 5000 (Enkash's limit). */
  limit: number;
  orderBy?: string;
  direction?: 'ASC' | 'DESC';
  /** Body filters, passed as given (merchantDetailId, settlementPayoutIds, from/to ranges on the totals). */
  filters?: Record<string, unknown>;
}

export interface EnkashPgClient {
  resendOtp(enkashTransactionId: string): Promise<OtpSendResult>;
  validateOtp(input: { ekPayId: string; otp: string; checkSum?: string }): Promise<OtpValidateResult>;
  getTransactionStatus(transactionId: string): Promise<ProviderStatus>;
  /** Search Settlement Payouts: one page, without lines. */
  searchSettlementPayouts(search: SettlementSearch): Promise<{ payouts: SettlementPayoutReply[]; total: number | null }>;
  /** Get Settlement Payout, with its lines; an unknown payout is `not_found`. */
  getSettlementPayout(settlementPayoutId: string): Promise<SettlementPayoutReply>;
  /**
   * Refund (`POST /api/v0/payment/{transactionId}/refund`, `{amount, remarks, requestId}`). A send:
   * a timeout is `provider_timeout` with `outcomeUnknown`, never retried by the client.
   */
  refund(input: { transactionId: string; amount: string; remarks: string | null; requestId: string }): Promise<ProviderRefund>;
  /**
   * Where an Enkash refund stands: Get Transaction Status of the refund's own transaction id
   * (the refund reply names it). PayOps' working assumption, kept in this one call.
   */
  getRefundStatus(input: { refundTransactionId: string; requestId: string }): Promise<ProviderRefund>;
}

export interface EnkashWalletClient {
  generateTransactionOtp(input: { cardAccountId: string; enKashCardId: string }): Promise<OtpSendResult>;
}

export interface JuspayClient {
  resendOtp(input: { txnId: string; challengeId: string; customerId: string }): Promise<OtpSendResult>;
  processOtp(input: { txnId: string; challengeId: string; customerId: string; otp: string }): Promise<OtpValidateResult>;
  /** Order Status: 404 / an unknown order is `not_found`. */
  getOrderStatus(orderId: string): Promise<JuspayOrderStatus>;
  /**
   * Refund (`POST /orders/{order_id}/refunds`, `unique_request_id` ≤ 20 characters, `amount`).
   * The reply is the order with its `refunds[]`; the one with this request id is returned.
   * `duplicate.call` is `duplicate_request` (the first call landed: ask the order status); a
   * timeout is `provider_timeout` with `outcomeUnknown`.
   */
  refund(input: { orderId: string; requestId: string; amount: string }): Promise<ProviderRefund>;
}

export interface Providers {
  enkash: EnkashPgClient;
  enkashWallet: EnkashWalletClient;
  juspay: JuspayClient;
}
