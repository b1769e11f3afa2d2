import { z } from 'zod';
import { scrubCardNumbersDeep } from '@/lib/cards';
import { ENKASH_ID_FIELDS, ENKASH_SECRET_KEYS } from '@/lib/payments/enkash-notify';
import { redactSecrets } from '@/lib/secrets';
import { codeForStatus, garbage, replyAs, safeProviderText, statusError, type CallContext, type ProviderReply } from '../http';
import type { IssuedToken } from '../token';
import { parseJsonExact } from '@/lib/json';
import { parseMoney } from '@/lib/money';
import type { OtpSendResult, OtpValidateResult, ProviderRefund, ProviderRefundState, ProviderStatus } from '../types';

/** Enkash PG replies (DESIGN.md "Provider facts", reference/enkash-pg-*.txt) and what they mean for PayOps. */

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));
const integer = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

export const tokenReplySchema = z.object({
  token: z.string().min(1),
  // Epoch milliseconds.
  expiry: integer,
  resultCode: z.unknown().optional(),
  resultMessage: z.string().nullish(),
});

export const envelopeSchema = z.object({
  response_code: integer,
  response_message: z.string().nullish(),
  payload: z.unknown().optional(),
});

export const validatePayloadSchema = z.object({
  uniqueTransactionId: text,
  transactionId: text,
  amount: text,
  currency: text,
  otpReferenceNumber: text,
  txnMessage: text,
  txnStatus: text,
  txnDate: text,
  orderId: text,
});

// Shaped like the Payment Notify Request; only these fields are relied on, the rest is kept raw.
export const statusPayloadSchema = z.looseObject({ transactionId: text, status: text, transactionStatus: text });

export function tokenFromReply(ctx: CallContext, reply: ProviderReply, now: number): IssuedToken {
  const t = replyAs(ctx, reply, tokenReplySchema);
  return { value: t.token, expiresAt: t.expiry, obtainedAt: now };
}

/**
 * Resend OTP answers 200 text/plain with an unpublished body. An HTML page (a proxy's error page)
 * is not Enkash; a JSON body with a non-zero code is a refusal.
 */
export function resendResult(ctx: CallContext, reply: ProviderReply): OtpSendResult {
  if (reply.status >= 300) throw enkashError(ctx, reply);
  if (/html/i.test(reply.contentType) || /^\s*</.test(reply.text)) throw garbage(ctx, reply, 'an HTML page');
  const json = tryJson(reply.text);
  if (json && typeof json === 'object') {
    const code = (json as Record<string, unknown>).response_code ?? (json as Record<string, unknown>).code;
    if (code !== undefined && code !== null && Number(code) !== 0) throw enkashError(ctx, { ...reply, status: 400 });
  }
  const words = json && typeof json === 'object' ? messageOf(json) : reply.text;
  return {
    provider: 'enkash',
    providerRequestId: null,
    budget: null,
    maskedMobile: null,
    message: (words && safeProviderText(words)) || 'OTP sent.',
    challengeId: null,
  };
}

export function validateResult(ctx: CallContext, reply: ProviderReply): OtpValidateResult {
  const envelope = okEnvelope(ctx, reply);
  const payload = replyAs(ctx, reply, validatePayloadSchema, envelope.payload);
  return {
    provider: 'enkash',
    status: payload.txnStatus,
    message: safeProviderText(payload.txnMessage ?? envelope.response_message ?? '') || 'OTP validated.',
    providerRequestId: payload.otpReferenceNumber ?? payload.uniqueTransactionId,
  };
}

export function statusResult(ctx: CallContext, reply: ProviderReply, transactionId: string): ProviderStatus {
  const envelope = okEnvelope(ctx, reply);
  const payload = replyAs(ctx, reply, statusPayloadSchema, envelope.payload);
  // paymentToken is a secret and card numbers are never kept: neither leaves this function.
  const { paymentToken: _token, ...rest } = payload as Record<string, unknown>;
  const raw = redactSecrets(rest, ENKASH_SECRET_KEYS).value;
  return {
    provider: 'enkash',
    transactionId: payload.transactionId ?? transactionId,
    status: payload.status ?? payload.transactionStatus,
    raw: scrubCardNumbersDeep(raw, { idFields: ENKASH_ID_FIELDS }).value as Record<string, unknown>,
  };
}

/** A 2xx envelope with response_code 0; anything else becomes the matching ProviderError. */
function okEnvelope(ctx: CallContext, reply: ProviderReply) {
  if (reply.status >= 300) throw enkashError(ctx, reply);
  const envelope = replyAs(ctx, reply, envelopeSchema);
  if (envelope.response_code !== 0) {
    const message = envelope.response_message ?? '';
    throw statusError(ctx, reply, message, /not\s*found/i.test(message) ? 'not_found' : limitOr(message, 'invalid_input'));
  }
  return envelope;
}

/**
 * A refusal as a PayOps error. Enkash publishes no OTP limit reply, so besides HTTP 429 a 4xx
 * whose words speak of a limit counts as rate_limited.
 */
export function enkashError(ctx: CallContext, reply: ProviderReply) {
  const json = tryJson(reply.text);
  const words = json && typeof json === 'object' ? messageOf(json) : /html/i.test(reply.contentType) ? null : reply.text;
  const code = codeForStatus(reply.status);
  return statusError(ctx, reply, words, code === 'invalid_input' ? limitOr(words ?? '', code) : code);
}

const limitOr = <C extends string>(message: string, code: C) =>
  /limit|exceed|too many/i.test(message) ? ('rate_limited' as const) : code;

function messageOf(json: object): string | null {
  const j = json as Record<string, unknown>;
  for (const key of ['response_message', 'resultMessage', 'message', 'error_message']) {
    if (typeof j[key] === 'string' && j[key]) return j[key] as string;
  }
  return null;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

// ---- Refund (POST /api/v0/payment/{transactionId}/refund) and its status (DESIGN.md "Enkash Refund") ----

// Read with parseJsonExact: an amount sent as a JSON number (200.50) arrives as its source text.
const refundText = z.unknown().optional().transform((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 256) : null));
const refundMoney = z.unknown().optional().transform((v) => {
  const parsed = parseMoney(v);
  return parsed.ok ? parsed.value : null;
});

export const refundPayloadSchema = z.looseObject({
  transactionId: refundText,
  status: refundText,
  amount: refundMoney,
  bankTransactionId: refundText,
  txnMsg: refundText,
  uniqueTransactionId: refundText,
});

const REFUND_STATES: Record<string, ProviderRefundState> = {
  CREATED: 'pending',
  PENDING: 'pending',
  INITIATED: 'pending',
  SUCCESS: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'failed',
};

/** An Enkash refund status word in PayOps' words; an unknown one is still pending (its word is kept beside). */
export function enkashRefundState(status: string | null): ProviderRefundState {
  return (status && REFUND_STATES[status.toUpperCase()]) || 'pending';
}

/**
 * The refund reply, or Get Transaction Status of the refund's own transaction id. Any 4xx refusal
 * (no balance, more than is left, a payment that cannot be refunded) is invalid_input with Enkash's
 * words: unlike an OTP resend, "exceeds" here means an amount, never a rate limit.
 */
export function refundResult(ctx: CallContext, reply: ProviderReply, ids: { requestId: string; refundTransactionId?: string }): ProviderRefund {
  if (reply.status >= 300) {
    const code = codeForStatus(reply.status);
    throw statusError(ctx, reply, wordsOf(reply), code === 'rate_limited' ? 'invalid_input' : code);
  }
  const parsed = parseJsonExact(reply.text);
  if (!parsed.ok) throw garbage(ctx, reply, 'not JSON');
  const envelope = replyAs(ctx, reply, envelopeSchema, parsed.value);
  if (envelope.response_code !== 0) {
    const message = envelope.response_message ?? '';
    throw statusError(ctx, reply, message, /not\s*found/i.test(message) ? 'not_found' : 'invalid_input');
  }
  if (envelope.payload === null || typeof envelope.payload !== 'object') throw garbage(ctx, reply, 'no payload');
  const p = replyAs(ctx, reply, refundPayloadSchema, envelope.payload);
  const providerRefundId = p.transactionId ?? ids.refundTransactionId ?? null;
  // Without the refund's own id PayOps could never ask about it again.
  if (!providerRefundId) throw garbage(ctx, reply, 'no refund transactionId');
  const message = p.txnMsg ?? envelope.response_message;
  return {
    provider: 'enkash',
    requestId: ids.requestId,
    providerRefundId,
    state: enkashRefundState(p.status),
    providerStatus: p.status,
    amount: p.amount,
    arn: p.bankTransactionId,
    message: message ? safeProviderText(message) || null : null,
  };
}

function wordsOf(reply: ProviderReply): string | null {
  const json = tryJson(reply.text);
  return json && typeof json === 'object' ? messageOf(json) : /html/i.test(reply.contentType) ? null : reply.text;
}
