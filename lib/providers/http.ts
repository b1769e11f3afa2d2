import type { z } from 'zod';
import { scrubCardNumbers } from '@/lib/cards';
import { compareMoney, parseMoney } from '@/lib/money';
import { ProviderError, type ProviderErrorCode, type ProviderName } from './types';

/**
 * The one way PayOps talks to a provider: a deadline on every call, a capped reply, and every
 * failure turned into a ProviderError. Nothing here logs, and no message is ever built from a
 * request (URLs aside): OTPs, tokens, secrets and Authorization headers stay out of errors.
 */
export const PROVIDER_LABEL: Record<ProviderName, string> = {
  enkash: 'Enkash',
  enkash_wallet: 'Enkash Wallet',
  juspay: 'Juspay',
};

export const MAX_REPLY_BYTES = 256 * 1024;

export interface CallContext {
  /** A larger cap for a reply that is legitimately big (a settlement payout's lines); default MAX_REPLY_BYTES. */
  maxReplyBytes?: number;
  provider: ProviderName;
  /** What the call does, for messages ("resend OTP"). */
  operation: string;
  timeoutMs: number;
  /**
   * An OTP send. It is never retried here; when the request may have left but no answer came
   * back, the error says the outcome is unknown, so the caller checks the status instead.
   */
  send?: boolean;
  /** For a send other than an OTP: what to tell when its outcome is unknown (default: the OTP's words). */
  unknownOutcome?: string;
}

export interface ProviderRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
}

export interface ProviderReply {
  status: number;
  contentType: string;
  text: string;
}

// Errors that mean the request never reached the provider, so even a send did not happen.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Sends one request. Answers any status below 500; throws on timeout, network failure, 5xx or an oversized reply. */
export async function providerFetch(ctx: CallContext, req: ProviderRequest): Promise<ProviderReply> {
  const headers: Record<string, string> = { accept: 'application/json, text/plain;q=0.9', ...req.headers };
  let body: string | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(req.form).toString();
  }
  const label = `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}`;
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.timeoutMs),
    });
    const text = await readCapped(res, ctx);
    if (res.status >= 500) {
      throw new ProviderError('provider_error', `${label} failed: the provider answered HTTP ${res.status}.`, {
        provider: ctx.provider,
        httpStatus: res.status,
      });
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text };
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw transportError(ctx, label, err);
  }
}

function transportError(ctx: CallContext, label: string, err: unknown): ProviderError {
  const name = (err as { name?: string })?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    const seconds = Math.round(ctx.timeoutMs / 100) / 10;
    return new ProviderError(
      'provider_timeout',
      ctx.send
        ? `${label}: no answer within ${seconds} s. ${ctx.unknownOutcome ?? "The OTP may or may not have been sent — check the payment's status before sending again."}`
        : `${label}: no answer within ${seconds} s.`,
      { provider: ctx.provider, ...(ctx.send ? { outcomeUnknown: true } : {}) },
    );
  }
  const code = networkCode(err);
  const reached = !(code && NOT_SENT_CODES.has(code));
  return new ProviderError(
    'provider_error',
    ctx.send && reached
      ? `${label}: the connection failed (${code ?? 'network error'}). ${ctx.unknownOutcome ?? "The OTP may or may not have been sent — check the payment's status."}`
      : `${label}: the provider could not be reached (${code ?? 'network error'}).`,
    { provider: ctx.provider, ...(ctx.send && reached ? { outcomeUnknown: true } : {}) },
  );
}

function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  }
  return null;
}

async function readCapped(res: Response, ctx: CallContext): Promise<string> {
  const cap = ctx.maxReplyBytes ?? MAX_REPLY_BYTES;
  const declared = Number(res.headers.get('content-length'));
  if (declared > cap) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(ctx, res.status);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      throw tooLarge(ctx, res.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = (ctx: CallContext, status: number) =>
  new ProviderError('provider_error', `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}: the reply is larger than ${(ctx.maxReplyBytes ?? MAX_REPLY_BYTES) / 1024} KiB.`, {
    provider: ctx.provider,
    httpStatus: status,
  });

/** The reply as JSON; anything else is a provider_error. */
export function replyJson(ctx: CallContext, reply: ProviderReply): unknown {
  try {
    return JSON.parse(reply.text);
  } catch {
    throw garbage(ctx, reply, 'not JSON');
  }
}

/** The reply validated against `schema`; a mismatch is a provider_error (values are never quoted). */
export function replyAs<S extends z.ZodType>(ctx: CallContext, reply: ProviderReply, schema: S, value: unknown = replyJson(ctx, reply)): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => i.path.join('.') || '(root)')
      .join(', ');
    throw garbage(ctx, reply, `unexpected shape at ${where}`);
  }
  return parsed.data;
}

export function garbage(ctx: CallContext, reply: ProviderReply, why: string): ProviderError {
  return new ProviderError('provider_error', `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}: unexpected reply (HTTP ${reply.status}, ${why}).`, {
    provider: ctx.provider,
    httpStatus: reply.status,
  });
}

/** A 3xx/4xx reply as the PayOps error it means. `providerMessage` is the provider's own words, if any. */
export function statusError(
  ctx: CallContext,
  reply: ProviderReply,
  providerMessage?: string | null,
  code: ProviderErrorCode = codeForStatus(reply.status),
): ProviderError {
  const words = providerMessage ? safeProviderText(providerMessage) : '';
  const label = `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}`;
  return new ProviderError(code, `${label}: ${MEANING[code]} (HTTP ${reply.status}${words ? `: ${words}` : ''}).`, {
    provider: ctx.provider,
    httpStatus: reply.status,
  });
}

export function codeForStatus(status: number): ProviderErrorCode {
  if (status === 401 || status === 403) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status < 500) return 'invalid_input';
  return 'provider_error';
}

const MEANING: Record<ProviderErrorCode, string> = {
  provider_timeout: 'no answer in time',
  provider_error: 'unexpected reply',
  rate_limited: "the provider's OTP limit is reached",
  invalid_input: 'refused',
  not_found: 'not known to the provider',
  duplicate_request: 'the provider has already seen this request id',
  unauthorized: "PayOps' credentials were refused",
};

/**
 * Provider words made safe to show an agent: one line, at most 200 characters, card numbers cut
 * to their last four, and any free-standing 4–8 digit run (an OTP's shape) masked, in case a
 * provider ever echoes one.
 */
export function safeProviderText(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const masked = scrubCardNumbers(oneLine).text.replace(/(?<![A-Za-z0-9])\d{4,8}(?![A-Za-z0-9])/g, '••••');
  return masked.length > 200 ? `${masked.slice(0, 199)}…` : masked;
}

/** Joins a configured base URL (which may carry a path) and an API path. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/** An id that goes into a URL path: checked, then encoded, so it can never change the path. */
export function pathId(ctx: CallContext, what: string, value: string): string {
  if (!/^[A-Za-z0-9._:~-]{1,128}$/.test(value) || /^\.+$/.test(value)) {
    throw new ProviderError('invalid_input', `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}: ${what} is not a valid id.`, {
      provider: ctx.provider,
    });
  }
  return encodeURIComponent(value);
}

/**
 * A refund amount as the decimal text a provider is sent: rupees with two decimals ("200.00"),
 * from exact text only. More than two non-zero decimals (no such thing as a tenth of a paisa), zero
 * or a negative amount is refused here, before any call.
 */
export function refundAmountText(ctx: CallContext, amount: string): string {
  const parsed = parseMoney(amount);
  const canonical = parsed.ok ? parsed.value : null;
  if (!canonical || !/^\d+\.\d\d00$/.test(canonical) || compareMoney(canonical, '0') <= 0) {
    throw new ProviderError('invalid_input', `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}: the amount must be more than 0 in rupees and paise (e.g. "200.00").`, {
      provider: ctx.provider,
    });
  }
  return canonical.slice(0, -2);
}

export const REFUND_UNKNOWN_OUTCOME = 'The refund may or may not have been created — ask the provider about this request id before sending it again.';

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

export function notConfigured(provider: ProviderName, missing: string[]): ProviderError {
  return new ProviderError(
    'provider_error',
    `${PROVIDER_LABEL[provider]} is not configured: set ${missing.join(', ')}.`,
    { provider },
  );
}
