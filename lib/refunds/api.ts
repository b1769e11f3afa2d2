import { providerIdSchema } from '@/lib/api/provider-id';
import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/db/client';
import { transactions, type RefundRow } from '@/db/schema';
import { requireApiToken } from '@/lib/api/token';
import { AppError } from '@/lib/errors';
import { clientIp, readBodyCapped } from '@/lib/http/request';
import { findApiTransaction } from '@/lib/otp/api';
import { scrubbedText } from '@/lib/text';
import { REASON_MAX } from './config';
import { autoApproveApiRefund } from './decide';
import { queueRefundSend } from './jobs';
import type { RefundActor } from './machine';
import { presentRefund } from './present';
import { cleanReason, refundAmount, requestRefund } from './request';

const id = providerIdSchema;

export const refundApiSchema = z.object({
  transactionId: id,
  provider: z.enum(['enkash', 'juspay', 'enkash_wallet']).optional(),
  // Rupees as text, exact ("200", "1299.50"); a JSON number would already have lost digits.
  amount: z.string().max(32).nullable().optional(),
  reason: z.string().max(REASON_MAX * 2),
});
export type RefundApiBody = z.infer<typeof refundApiSchema>;

const BODY_CAP = 8 * 1024;

/** `Idempotency-Key`: required, 1–128 visible ASCII characters, kept as `api:<key>` (scrubbed like every header PayOps keeps). */
export function refundIdempotencyKey(req: Request): string {
  const given = req.headers.get('idempotency-key');
  if (given === null) throw new AppError('invalid_input', 'An Idempotency-Key header is required: a refund must never be asked for twice by a retry.');
  if (!/^[\x21-\x7e]{1,128}$/.test(given)) throw new AppError('invalid_input', 'Idempotency-Key must be 1–128 visible ASCII characters.');
  return `api:${scrubbedText(given)}`;
}

async function readJson(req: Request): Promise<unknown> {
  const body = await readBodyCapped(req, BODY_CAP);
  if (!body.ok) throw new AppError('too_large', 'The body is over 8 KiB.');
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.bytes));
  } catch {
    // Never the parser's message: it quotes the body.
    throw new AppError('invalid_input', 'The body must be UTF-8 JSON.');
  }
}

/** The payment a call names: by provider and id when the provider is given, else the one payment with that id. */
async function findPayment(db: Db, body: RefundApiBody): Promise<number> {
  if (body.provider) {
    const row = await findApiTransaction(db, body.provider, body.transactionId);
    if (!row) throw new AppError('not_found', 'No transaction with that id.');
    return row.id;
  }
  const rows = await db
    .select({ id: transactions.id, provider: transactions.provider })
    .from(transactions)
    .where(eq(transactions.transactionId, body.transactionId))
    .orderBy(asc(transactions.id))
    .limit(5);
  const providers = new Set(rows.map((r) => r.provider));
  if (providers.size > 1) throw new AppError('invalid_input', `More than one provider has a payment with this id (${[...providers].sort().join(', ')}): say which in "provider".`);
  if (rows[0]) return rows[0].id;
  // A Juspay attempt is also known by its txn_uuid.
  const alias = await findApiTransaction(db, 'juspay', body.transactionId);
  if (!alias) throw new AppError('not_found', 'No transaction with that id.');
  return alias.id;
}

/**
 * POST /api/v1/refunds: who (bearer token) → valid (capped body, zod, Idempotency-Key) → a refund
 * request from the merchant's backend (source `api`), which a person approves — unless it is below
 * REFUND_API_AUTO_APPROVE_BELOW with no holds, when PayOps approves it in the same call and queues
 * its send. A repeat of the key gets the first refund back (200); the same key with another body, 409.
 */
export async function handleRefundApi(req: Request, deps: { db: Db; apiToken: string | undefined; now?: Date; queueSend?: (refundId: number) => Promise<void> }): Promise<Response> {
  requireApiToken(req, deps.apiToken);
  const idempotencyKey = refundIdempotencyKey(req);
  const body = refundApiSchema.parse(await readJson(req));
  const reason = cleanReason(body.reason);
  if (!reason) throw new AppError('invalid_input', 'Say why (reason, at least 3 characters): the approver and the audit log need it.');
  let amount: string | null = null;
  if (body.amount !== undefined && body.amount !== null) {
    const parsed = refundAmount(body.amount);
    if (!parsed.ok) throw new AppError('invalid_input', parsed.message);
    amount = parsed.value;
  }
  const paymentId = await findPayment(deps.db, body);
  const actor: RefundActor = { id: null, label: 'api', role: 'api', sourceIp: clientIp(req) };
  const ask = { paymentId, amount: amount === null ? null : body.amount!, reason: body.reason, source: 'api' as const, idempotencyKey };
  let result;
  try {
    result = await requestRefund(deps.db, actor, ask, deps.now);
  } catch (err) {
    // Two calls with one key at once: the loser's insert meets the unique key; the first answer is there now.
    if (!isUniqueViolation(err, 'refunds_idempotency_key_uq')) throw err;
    result = await requestRefund(deps.db, actor, ask, deps.now);
  }
  if (!result.ok) throw new AppError(result.code, result.message);
  const headers = { 'cache-control': 'no-store' };
  if (result.repeated) {
    if (!(await sameAsk(deps.db, result.refund, amount, reason))) {
      throw new AppError('conflict', 'This Idempotency-Key was used for a different refund request (another amount or reason).');
    }
    return Response.json(presentRefund(result.refund), { status: 200, headers });
  }
  let refund = result.refund;
  const auto = await autoApproveApiRefund(deps.db, refund.id, deps.now);
  if (auto.ok) {
    refund = auto.refund;
    await (deps.queueSend ?? queueRefundSend)(refund.id);
  }
  return Response.json(presentRefund(refund), { status: 201, headers });
}

/** Whether a repeated key asks for what its first call asked (the amount as asked — or "all" — and the reason). */
async function sameAsk(db: Db, refund: RefundRow, amount: string | null, reason: string): Promise<boolean> {
  const [first] = await queryRows<{ detail: { asked?: string | null } }>(
    db,
    sql`SELECT detail FROM refund_events WHERE refund_id = ${refund.id} AND action = 'requested' ORDER BY id LIMIT 1`,
  );
  const asked = first?.detail?.asked ?? null;
  return asked === amount && refund.reason === reason;
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint: c, message } = e as Record<string, unknown>;
    if (code === '23505' && (c === constraint || (typeof message === 'string' && message.includes(constraint)))) return true;
  }
  return false;
}
