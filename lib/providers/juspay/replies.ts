import { z } from 'zod';
import { codeForStatus, replyAs, safeProviderText, statusError, type CallContext, type ProviderReply } from '../http';
import type { OtpSendResult, OtpValidateResult } from '../types';

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
