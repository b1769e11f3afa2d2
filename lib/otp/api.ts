import { providerIdSchema } from '@/lib/api/provider-id';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { transactions, type Transaction } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { requireApiToken } from '@/lib/api/token';
import { clientIp, readBodyCapped } from '@/lib/http/request';
import type { Providers } from '@/lib/providers/types';
import { scrubbedText } from '@/lib/text';
import type { AttemptResult } from './ledger';
import { outcomeStatus, type OtpLimits } from './policy';
import { refsToColumns, type OtpRefs } from './refs';
import { requestOtp } from './resend';
import { statusInfo } from '@/lib/payments/status';
import { takeOtp } from './validate';

/** The OTP proxy's body (the OTP of a validate call is taken out before this: lib/otp/validate.ts). */
const id = providerIdSchema;
export const otpApiSchema = z
  .object({
    provider: z.enum(['enkash', 'juspay', 'enkash_wallet']),
    transactionId: id,
    challengeId: id.optional(),
    customerId: id.optional(),
    // An Enkash Wallet card: bound to the payment by the first call that names it, then only
    // compared (a call naming another card is refused: lib/otp/refs.ts).
    cardAccountId: id.optional(),
    enKashCardId: id.optional(),
    reason: z
      .string()
      .trim()
      .max(200)
      .transform((v) => scrubbedText(v) || null)
      .optional(),
  })
  .refine((b) => !b.cardAccountId === !b.enKashCardId, { path: ['enKashCardId'], message: 'a wallet card is cardAccountId and enKashCardId together' })
  .refine((b) => !b.cardAccountId || b.provider !== 'juspay', { path: ['cardAccountId'], message: 'wallet card ids go with an Enkash payment' });
export type OtpApiBody = z.infer<typeof otpApiSchema>;

/** A small JSON body: 8 KiB is plenty for a handful of ids. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const body = await readBodyCapped(req, 8 * 1024);
  if (!body.ok) throw new AppError('too_large', 'The body is over 8 KiB.');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.bytes));
  } catch {
    // Never the parser's message: it can quote the body, and a validate body holds an OTP.
    throw new AppError('invalid_input', 'The body must be UTF-8 JSON.');
  }
}

/** `Idempotency-Key` header, else a fresh key (no deduplication asked for). Scoped to the API. */
export function apiIdempotencyKey(req: Request): string {
  const given = req.headers.get('idempotency-key');
  if (given === null) return `api:${randomUUID()}`;
  if (!/^[\x21-\x7e]{1,200}$/.test(given)) throw new AppError('invalid_input', 'Idempotency-Key must be 1–200 visible ASCII characters.');
  // Stored in otp_attempts: scrubbed like every header PayOps keeps.
  return `api:${scrubbedText(given)}`;
}

/**
 * The payment the merchant's checkout names, recorded if PayOps has not seen it yet (the
 * notification may not have arrived): a minimal open row the webhook later completes. Ids given
 * with the call fill its otp_refs where they are empty; stored ones are never overwritten.
 */
export async function recordApiTransaction(db: Db, body: OtpApiBody, refs: OtpRefs): Promise<Transaction> {
  const columns = refsToColumns(refs);
  const known = await findApiTransaction(db, body.provider, body.transactionId);
  if (known) return fillRefs(db, known, columns);
  const status = body.provider === 'juspay' ? 'PENDING_VBV' : 'CREATED';
  const info = statusInfo(body.provider, status);
  const [inserted] = await db
    .insert(transactions)
    .values({ provider: body.provider, transactionId: body.transactionId, status, statusRank: info.rank, statusFamily: info.family, txnAt: sql`now()`, otpRefs: columns, lastEffect: 'created' })
    .onConflictDoNothing()
    .returning();
  if (inserted) return inserted;
  // Recorded meanwhile by a concurrent call or delivery.
  return fillRefs(db, (await findApiTransaction(db, body.provider, body.transactionId))!, columns);
}

/**
 * The payment an id given to the OTP proxy names. Juspay knows an attempt by two ids, its txn_id
 * (PayOps' transaction_id) and its txn_uuid (kept as unique_transaction_id and otp_refs.txn_uuid;
 * the indexed column is the one searched), and a checkout may send either: both must find the
 * one payment, or the alias would get a budget and window of its own. A row whose own id matches
 * comes first, so a caller that keeps to one id keeps to one row.
 */
export async function findApiTransaction(db: Db, provider: OtpApiBody['provider'], id: string): Promise<Transaction | undefined> {
  const byId = eq(transactions.transactionId, id);
  const [row] = await db
    .select()
    .from(transactions)
    .where(and(eq(transactions.provider, provider), provider === 'juspay' ? or(byId, eq(transactions.uniqueTransactionId, id)) : byId))
    .orderBy(sql`${transactions.transactionId} = ${id} DESC`, asc(transactions.id))
    .limit(1);
  return row;
}

/** Ids given with a call fill the payment's empty otp_refs; stored ones are never overwritten. */
async function fillRefs(db: Db, t: Transaction, columns: Record<string, string>): Promise<Transaction> {
  const [filled] = await db
    .update(transactions)
    .set({ otpRefs: sql`${JSON.stringify(columns)}::jsonb || ${transactions.otpRefs}` })
    .where(and(eq(transactions.id, t.id), sql`NOT ${transactions.otpRefs} @> ${JSON.stringify(columns)}::jsonb`))
    .returning();
  return filled ?? t;
}

/** The proxy's answer: the outcome, the budget left, when to retry; `error` too when it is not a 200. */
export function outcomeResponse(r: AttemptResult): Response {
  const status = r.outcome === 'in_progress' ? 409 : outcomeStatus(r.outcome);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (r.retryAfterSeconds && status === 429) headers['retry-after'] = String(r.retryAfterSeconds);
  const body = {
    outcome: r.outcome,
    message: r.message,
    budget: { sent: r.budget.sent, limit: r.budget.limit, remaining: r.budget.remaining },
    ...(r.retryAfterSeconds ? { retryAfterSeconds: r.retryAfterSeconds } : {}),
    providerRequestId: r.providerRequestId,
    ...(r.providerStatus ? { providerStatus: r.providerStatus } : {}),
    ...(r.maskedMobile ? { maskedMobile: r.maskedMobile } : {}),
    ...(r.replayed ? { replayed: true } : {}),
    ...(status === 200 ? {} : { error: { code: errorCode(status), message: r.message } }),
  };
  return Response.json(body, { status, headers });
}

function errorCode(status: number): string {
  return { 400: 'invalid_input', 409: 'conflict', 422: 'provider_refused', 429: 'rate_limited', 502: 'provider_error', 504: 'provider_timeout' }[status] ?? 'internal';
}

export interface OtpApiDeps {
  db: Db;
  providers: Providers;
  apiToken: string | undefined;
  limits?: OtpLimits;
}

/**
 * POST /api/v1/otp/resend and /validate: who (bearer token) → valid (zod; a validate's OTP is
 * taken out first) → record the payment if new → the OTP action under the same limits as the
 * console → the provider's outcome and the budget left.
 */
export async function handleOtpApi(req: Request, kind: 'resend' | 'validate', deps: OtpApiDeps): Promise<Response> {
  requireApiToken(req, deps.apiToken);
  const raw = await readJsonBody(req);
  const { otp, rest } = kind === 'validate' ? takeOtp(raw) : { otp: undefined, rest: raw };
  const body = otpApiSchema.parse(rest);
  if (kind === 'validate' && body.provider === 'enkash_wallet') {
    throw new AppError('invalid_input', 'Enkash Wallet has no OTP validation call: its OTP goes with the wallet transaction itself.');
  }
  const idempotencyKey = apiIdempotencyKey(req);
  const refs: OtpRefs = { challengeId: body.challengeId, customerId: body.customerId, cardAccountId: body.cardAccountId, enKashCardId: body.enKashCardId };
  const transaction = await recordApiTransaction(deps.db, body, refs);
  const result = await requestOtp(
    deps.db,
    deps.providers,
    { transactionId: transaction.id, transaction, kind: kind === 'resend' && body.provider === 'enkash_wallet' ? 'wallet_otp' : kind, reason: body.reason ?? null, idempotencyKey, refs, otp },
    { actor: 'api', role: 'api', sourceIp: clientIp(req), channel: 'api', agentId: null },
    deps.limits,
  );
  return outcomeResponse(result);
}
