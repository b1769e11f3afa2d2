import { z } from 'zod';
import { codeForStatus, replyAs, safeProviderText, statusError, type CallContext, type ProviderReply } from '../http';
import type { IssuedToken } from '../token';
import type { OtpSendResult } from '../types';

/** Enkash Wallet replies (reference/enkash-wallet-generate-transaction-otp.txt) and what they mean for PayOps. */

export const oauthTokenSchema = z.object({
  access_token: z.string().min(1),
  // Seconds.
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  token_type: z.string().nullish(),
});

export const generateOtpSchema = z.object({
  code: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]),
  message: z.string().nullish(),
  payload: z
    .object({
      otpRequestId: z.string().nullish(),
      mobileNumber: z.string().nullish(),
    })
    .nullish(),
});

export function tokenFromReply(ctx: CallContext, reply: ProviderReply, now: number): IssuedToken {
  const t = replyAs(ctx, reply, oauthTokenSchema);
  return { value: t.access_token, expiresAt: now + t.expires_in * 1000, obtainedAt: now };
}

export function generateOtpResult(ctx: CallContext, reply: ProviderReply): OtpSendResult {
  if (reply.status >= 300) throw walletError(ctx, reply);
  const r = replyAs(ctx, reply, generateOtpSchema);
  if (r.code !== 0) throw statusError(ctx, reply, r.message, /limit|exceed|too many/i.test(r.message ?? '') ? 'rate_limited' : 'invalid_input');
  return {
    provider: 'enkash_wallet',
    providerRequestId: r.payload?.otpRequestId ?? null,
    budget: null,
    maskedMobile: maskMobile(r.payload?.mobileNumber),
    message: safeProviderText(r.message ?? '') || 'OTP sent.',
    challengeId: null,
  };
}

export function walletError(ctx: CallContext, reply: ProviderReply) {
  let words: string | null = null;
  try {
    const j = JSON.parse(reply.text) as Record<string, unknown>;
    words = [j.message, j.error_description, j.error].find((v): v is string => typeof v === 'string' && v !== '') ?? null;
  } catch {
    // not JSON: no provider words to show
  }
  return statusError(ctx, reply, words, codeForStatus(reply.status));
}

/**
 * The wallet sends the number masked ("60XXXXXX11"). Should it ever send more, PayOps keeps the
 * same shape: first two and last two digits.
 */
export function maskMobile(value: string | null | undefined): string | null {
  if (!value) return null;
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 4) return value.slice(0, 20);
  return `${digits.slice(0, 2)}${'X'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}
