import { z } from 'zod';
import { scrubCardNumbersDeep } from '@/lib/cards';
import { ENKASH_ID_FIELDS, ENKASH_SECRET_KEYS } from '@/lib/payments/enkash-notify';
import { redactSecrets } from '@/lib/secrets';
import { codeForStatus, garbage, replyAs, safeProviderText, statusError, type CallContext, type ProviderReply } from '../http';
import type { IssuedToken } from '../token';
import type { OtpSendResult, OtpValidateResult, ProviderStatus } from '../types';

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
