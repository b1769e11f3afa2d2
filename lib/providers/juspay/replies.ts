import { z } from 'zod';
import { scrubCardNumbersDeep } from '@/lib/cards';
import { parseJsonExact } from '@/lib/json';
import { parseMoney } from '@/lib/money';
import { JUSPAY_ID_FIELDS, JUSPAY_SECRET_KEYS } from '@/lib/payments/juspay-webhook';
import { juspayStatusForId } from '@/lib/payments/status';
import { redactSecrets } from '@/lib/secrets';
import { truncate } from '@/lib/text';
import { codeForStatus, garbage, replyAs, safeProviderText, statusError, type CallContext, type ProviderReply } from '../http';
import type { JuspayOrderStatus, JuspayRefund, OtpSendResult, OtpValidateResult, ProviderRefund, ProviderRefundState } from '../types';

/** Juspay Direct OTP replies (reference/juspay-resend-otp.md) and what they mean for PayOps. */

// The reference types the budget fields as strings; numbers are accepted too.
const count = z
  .union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)])
  .nullish()
  .catch(null);

const budgetFields = {
  times_otp_sent: count,
  max_otp_send_limit: count,
  current_attempt: count,
  max_attempts: count,
};

export const txnReplySchema = z.looseObject({
  id: z.string().nullish(),
  txn_id: z.string().nullish(),
  order_id: z.string().nullish(),
  status: z.string().min(1),
  resp_message: z.string().nullish(),
  payment: z
    .looseObject({
      authentication: z
        .looseObject({ params: z.looseObject({ challenge_id: z.string().nullish(), ...budgetFields }).nullish() })
        .nullish(),
    })
    .nullish(),
  ...budgetFields,
});

export const errorReplySchema = z.looseObject({
  status: z.string().nullish(),
  error_code: z.string().nullish(),
  error_message: z.string().nullish(),
});

export function resendResult(ctx: CallContext, reply: ProviderReply): OtpSendResult {
  if (reply.status >= 300) throw juspayError(ctx, reply);
  const r = replyAs(ctx, reply, txnReplySchema);
  const params = r.payment?.authentication?.params;
  const sent = params?.times_otp_sent ?? r.times_otp_sent;
  const limit = params?.max_otp_send_limit ?? r.max_otp_send_limit;
  const budget = typeof sent === 'number' && typeof limit === 'number' ? { sent, limit } : null;
  return {
    provider: 'juspay',
    providerRequestId: r.id ?? r.txn_id ?? null,
    budget,
    maskedMobile: null,
    message: safeProviderText(r.resp_message ?? '') || (budget ? `OTP sent (${budget.sent} of ${budget.limit}).` : 'OTP sent.'),
    challengeId: params?.challenge_id ?? null,
  };
}

/** Process OTP answers with the transaction: its status (CHARGED, AUTHENTICATION_FAILED…) is the outcome. */
export function processResult(ctx: CallContext, reply: ProviderReply): OtpValidateResult {
  if (reply.status >= 300) throw juspayError(ctx, reply);
  const r = replyAs(ctx, reply, txnReplySchema);
  return {
    provider: 'juspay',
    status: r.status,
    message: safeProviderText(r.resp_message ?? '') || `Transaction ${r.status}.`,
    providerRequestId: r.id ?? r.txn_id ?? null,
  };
}

/** 400 `max_limit_exceeded` is Juspay's own OTP send limit: rate_limited. */
export function juspayError(ctx: CallContext, reply: ProviderReply) {
  let body: z.infer<typeof errorReplySchema> = {};
  try {
    body = errorReplySchema.parse(JSON.parse(reply.text));
  } catch {
    // not Juspay's error shape: the HTTP status alone decides
  }
  const code = body.error_code === 'max_limit_exceeded' ? 'rate_limited' : codeForStatus(reply.status);
  return statusError(ctx, reply, body.error_message ?? body.error_code, code);
}

// ---- Order Status (GET /orders/{order_id}; ../shared/DESIGN.md, "Juspay Order Status") ----

// The reply is read with parseJsonExact, so every JSON number arrives as its source text: an amount
// of 1499.50 is "1499.50", never the float 1499.5. Fields Juspay leaves out, or sends in a shape
// PayOps does not rely on, become null rather than failing the whole check.
const optText = z.unknown().optional().transform((v) => (typeof v === 'string' && v.trim() !== '' ? truncate(v.trim(), 256) : null));
const money = z.unknown().optional().transform((v) => {
  const parsed = parseMoney(v);
  return parsed.ok ? parsed.value : null;
});
const optInt = z.unknown().optional().transform((v) => (typeof v === 'string' && /^\d{1,6}$/.test(v) ? Number(v) : null));
const optBool = z.unknown().optional().transform((v) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null));

const refundSchema = z.looseObject({
  unique_request_id: optText,
  id: optText,
  ref: optText,
  epg_txn_id: optText,
  status: optText,
  amount: money,
  sent_to_gateway: optBool,
  refund_arn: optText,
  arn: optText,
  error_message: optText,
});

const UDF_KEYS = ['udf1', 'udf2', 'udf3', 'udf4', 'udf5', 'udf6', 'udf7', 'udf8', 'udf9', 'udf10'] as const;

export const orderStatusSchema = z.looseObject({
  id: optText,
  order_id: optText,
  status: optText,
  status_id: optInt,
  txn_id: optText,
  txn_uuid: optText,
  amount: money,
  amount_refunded: money,
  refunded: optBool,
  refunds: z.unknown().optional().transform((v) => (Array.isArray(v) ? v : [])),
  bank_error_code: optText,
  payment_gateway_response: z.unknown().optional(),
});

const gatewaySchema = z.looseObject({ rrn: optText, epg_txn_id: optText, auth_id_code: optText, resp_code: optText });

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function orderStatusResult(ctx: CallContext, reply: ProviderReply, orderId: string): JuspayOrderStatus {
  if (reply.status >= 300) throw orderStatusError(ctx, reply);
  const parsed = parseJsonExact(reply.text);
  if (!parsed.ok || !isObject(parsed.value)) throw garbage(ctx, reply, parsed.ok ? 'not a JSON object' : 'not JSON');
  // Card numbers and saved-card references never leave this function, in the fields or in raw.
  const raw = scrubCardNumbersDeep(redactSecrets(parsed.value, JUSPAY_SECRET_KEYS).value, { idFields: JUSPAY_ID_FIELDS }).value as Record<string, unknown>;
  const r = replyAs(ctx, reply, orderStatusSchema, raw);
  // A reply naming only status_id is still understood; one naming neither is not an order status.
  const status = r.status ?? (r.status_id !== null ? juspayStatusForId(r.status_id) : null);
  if (!status) throw garbage(ctx, reply, 'no status or status_id');
  const gateway = isObject(r.payment_gateway_response) ? gatewaySchema.parse(r.payment_gateway_response) : null;
  const refunds: JuspayRefund[] = r.refunds.filter(isObject).map((item) => {
    const x = refundSchema.parse(item);
    return {
      uniqueRequestId: x.unique_request_id,
      id: x.id ?? x.ref,
      status: x.status,
      amount: x.amount,
      sentToGateway: x.sent_to_gateway,
      ref: x.ref ?? x.epg_txn_id,
      arn: x.refund_arn ?? x.arn,
      errorMessage: x.error_message,
    };
  });
  const order = r.order_id ?? orderId;
  return {
    provider: 'juspay',
    transactionId: r.txn_id ?? order,
    status,
    raw,
    orderId: order,
    statusId: r.status_id,
    txnId: r.txn_id,
    txnUuid: r.txn_uuid,
    amount: r.amount,
    amountRefunded: r.amount_refunded,
    refunded: r.refunded,
    refunds,
    bankErrorCode: r.bank_error_code,
    gatewayResponse: gateway && { rrn: gateway.rrn, epgTxnId: gateway.epg_txn_id, authIdCode: gateway.auth_id_code, respCode: gateway.resp_code },
    udf: Object.fromEntries(UDF_KEYS.map((k) => [k, optText.parse(raw[k])])) as JuspayOrderStatus['udf'],
  };
}

/**
 * Juspay answers an order it does not know with 404, or with a 4xx whose error_code is
 * RESOURCE_NOT_FOUND (its API error codes page): both are not_found, which verification reads
 * as "the provider does not know this payment".
 */
function orderStatusError(ctx: CallContext, reply: ProviderReply) {
  let body: z.infer<typeof errorReplySchema> = {};
  try {
    body = errorReplySchema.parse(JSON.parse(reply.text));
  } catch {
    // not Juspay's error shape: the HTTP status alone decides
  }
  const words = `${body.error_code ?? ''} ${body.error_message ?? ''}`;
  const unknownOrder = reply.status === 404 || (reply.status >= 400 && reply.status < 500 && /resource_not_found|not[\s_-]*found/i.test(words));
  return statusError(ctx, reply, body.error_message ?? body.error_code, unknownOrder ? 'not_found' : codeForStatus(reply.status));
}

// ---- Refund (POST /orders/{order_id}/refunds; DESIGN.md "Juspay Refund") ----

const REFUND_STATES: Record<string, ProviderRefundState> = {
  PENDING: 'pending',
  SUCCESS: 'succeeded',
  FAILURE: 'failed',
  MANUAL_REVIEW: 'manual_review',
};

/** A Juspay refund status in PayOps' words (refund call, order status, webhooks); an unknown one is still pending. */
export function juspayRefundState(status: string | null): ProviderRefundState {
  return (status && REFUND_STATES[status.toUpperCase()]) || 'pending';
}

/** One refunds[] entry of an order as PayOps' ProviderRefund. */
export function juspayProviderRefund(refund: JuspayRefund, requestId: string): ProviderRefund {
  return {
    provider: 'juspay',
    requestId,
    providerRefundId: refund.id,
    state: juspayRefundState(refund.status),
    providerStatus: refund.status,
    amount: refund.amount,
    arn: refund.arn,
    message: refund.errorMessage ? safeProviderText(refund.errorMessage) || null : null,
  };
}

/**
 * The refund call answers with the whole order: ours is the refunds[] entry carrying our
 * unique_request_id. An order without it is a reply PayOps cannot use (provider_error).
 */
export function refundResult(ctx: CallContext, reply: ProviderReply, orderId: string, requestId: string): ProviderRefund {
  if (reply.status >= 300) throw refundError(ctx, reply);
  const order = orderStatusResult(ctx, reply, orderId);
  const ours = order.refunds.find((r) => r.uniqueRequestId === requestId);
  if (!ours) throw garbage(ctx, reply, 'no refund with this request id');
  return juspayProviderRefund(ours, requestId);
}

/** 400 `duplicate.call`: Juspay has already taken this request id (or this amount within 5 s); the first call landed. */
function refundError(ctx: CallContext, reply: ProviderReply) {
  let body: z.infer<typeof errorReplySchema> = {};
  try {
    body = errorReplySchema.parse(JSON.parse(reply.text));
  } catch {
    // not Juspay's error shape: the HTTP status alone decides
  }
  const words = `${body.error_code ?? ''} ${body.error_message ?? ''}`;
  let code = codeForStatus(reply.status);
  if (body.error_code?.toLowerCase() === 'duplicate.call') code = 'duplicate_request';
  else if (reply.status >= 400 && reply.status < 500 && /resource_not_found/i.test(words)) code = 'not_found';
  else if (code === 'rate_limited') code = 'invalid_input';
  return statusError(ctx, reply, body.error_message ?? body.error_code, code);
}
