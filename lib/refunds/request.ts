import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db, type DbOrTx } from '@/db/client';
import { refunds, type RefundHold, type RefundRow, type RefundSource } from '@/db/schema';
import { addMoney, compareMoney, parseMoney, rupeesText } from '@/lib/money';
import { scrubbedText } from '@/lib/text';
import { FULLY_REFUNDED_STATUSES, isRefundableProvider, REASON_MAX, refundPolicy } from './config';
import { recordRefundStep, type RefundActor } from './machine';

/** What a payment allows now: captured − held (approved, in flight, succeeded) − given back outside PayOps. */
export interface Refundable {
  paymentId: number;
  provider: string;
  currency: string;
  captured: string;
  held: string;
  succeeded: string;
  /** Refunded outside PayOps (a settlement's refund lines beyond PayOps' own refunds). */
  outside: string;
  /** Requests waiting for a decision (not held yet: approval holds them). */
  requested: string;
  refundable: string;
  /** Why none can be asked for now, in words; null when a refund may be requested. */
  blocked: string | null;
}

const REFUNDABLE_SQL = (where: SQL) => sql`
  SELECT t.id, t.provider, t.status, t.status_family, t.order_id, t.transaction_id,
         coalesce(t.currency, 'INR') AS currency,
         coalesce(t.final_amount, t.amount, 0)::text AS captured,
         t.refund_reserved::text AS held,
         t.refund_succeeded::text AS succeeded,
         greatest(0, coalesce(t.refunded_amount, 0) - t.refund_succeeded)::text AS outside,
         (SELECT coalesce(sum(r.amount), 0) FROM refunds r WHERE r.transaction_row_id = t.id AND r.state = 'requested')::text AS requested,
         greatest(0, coalesce(t.final_amount, t.amount, 0) - t.refund_reserved - greatest(0, coalesce(t.refunded_amount, 0) - t.refund_succeeded))::text AS refundable
    FROM transactions t WHERE ${where}`;

type RefundableRow = {
  id: number;
  provider: string;
  status: string;
  status_family: string;
  order_id: string | null;
  transaction_id: string;
  currency: string;
  captured: string;
  held: string;
  succeeded: string;
  outside: string;
  requested: string;
  refundable: string;
};

export async function refundableOf(db: DbOrTx, paymentId: number): Promise<Refundable | null> {
  const [row] = await queryRows<RefundableRow>(db, REFUNDABLE_SQL(sql`t.id = ${paymentId}`));
  return row ? refundableFrom(row) : null;
}

/** refundableOf for many payments in one statement (a bulk file's rows), keyed by payment id. */
export async function refundablesOf(db: DbOrTx, paymentIds: readonly number[]): Promise<Map<number, Refundable>> {
  if (paymentIds.length === 0) return new Map();
  const ids = `{${[...new Set(paymentIds)].map((id) => Math.trunc(id)).join(',')}}`;
  const rows = await queryRows<RefundableRow>(db, REFUNDABLE_SQL(sql`t.id = ANY(${ids}::bigint[])`));
  return new Map(rows.map((r) => [Number(r.id), refundableFrom(r)]));
}

function refundableFrom(row: RefundableRow): Refundable {
  return {
    paymentId: Number(row.id),
    provider: row.provider,
    currency: row.currency,
    captured: money(row.captured),
    held: money(row.held),
    succeeded: money(row.succeeded),
    outside: money(row.outside),
    requested: money(row.requested),
    refundable: money(row.refundable),
    blocked: blockedReason(row),
  };
}

const money = (v: string) => {
  const r = parseMoney(v);
  return r.ok && r.value ? r.value : '0.0000';
};

function blockedReason(row: RefundableRow): string | null {
  if (!isRefundableProvider(row.provider)) return 'PayOps refunds Enkash and Juspay payments; refund this one in the provider’s own console.';
  if (row.status_family !== 'success') return 'Only a successful payment can be refunded.';
  if (FULLY_REFUNDED_STATUSES.has(row.status)) return 'This payment is refunded in full already.';
  if (row.provider === 'juspay' && !row.order_id) return 'Juspay refunds go by order id, and no notification has named this payment’s order yet.';
  if (compareMoney(money(row.refundable), '0') <= 0) return 'Nothing is left to refund: every rupee is refunded or held by a refund in flight.';
  return null;
}

/** PayOps' idempotent request id for the provider: 20 characters (Juspay's limit), made once per refund. */
export function newRequestId(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(18);
  return `PR${Array.from(bytes, (b) => alphabet[b % 32]).join('')}`;
}

export interface RefundAsk {
  paymentId: number;
  /** Rupees as text ("200", "1,299.50" is refused: the form cleans it); null asks for everything refundable now. */
  amount: string | null;
  reason: string;
  source: RefundSource;
  batchId?: number | null;
  /** A repeat with the same key gets the first request back (the API's Idempotency-Key, a form's token). */
  idempotencyKey?: string | null;
}

export type RequestResult =
  | { ok: true; refund: RefundRow; repeated: boolean }
  | { ok: false; code: 'not_found' | 'invalid_input' | 'conflict'; message: string };

/** Amounts refunds can carry: positive, at most two decimals (paise), within numeric(18,4). */
export function refundAmount(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const cleaned = text.trim().replace(/^₹\s*/, '');
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(cleaned)) return { ok: false, message: 'Enter the amount in rupees, with at most two decimals (e.g. 200 or 1299.50).' };
  const parsed = parseMoney(cleaned);
  if (!parsed.ok || !parsed.value || compareMoney(parsed.value, '0') <= 0) return { ok: false, message: 'The amount must be more than zero.' };
  return { ok: true, value: parsed.value };
}

export function cleanReason(reason: string): string | null {
  const t = scrubbedText(reason.replace(/\s+/g, ' ').trim()).slice(0, REASON_MAX);
  return t.length >= 3 ? t : null;
}

/**
 * Asks for a refund: checked against what the payment allows now, marked with what its approver
 * must attend to (holds), recorded with its timeline event and audit row. Nothing is held yet:
 * approval holds the amount, atomically (migration refunds' trigger).
 */
export async function requestRefund(db: Db, actor: RefundActor, ask: RefundAsk, now = new Date()): Promise<RequestResult> {
  const reason = cleanReason(ask.reason);
  if (!reason) return { ok: false, code: 'invalid_input', message: 'Say why (at least 3 characters): the approver and the audit log need it.' };
  return db.transaction(async (tx) => {
    if (ask.idempotencyKey) {
      const [seen] = await tx.select().from(refunds).where(sql`${refunds.idempotencyKey} = ${ask.idempotencyKey}`);
      if (seen) {
        if (seen.transactionRowId !== ask.paymentId) return { ok: false, code: 'conflict', message: 'This idempotency key was used for another payment’s refund.' };
        return { ok: true, refund: seen, repeated: true };
      }
    }
    const state = await refundableOf(tx, ask.paymentId);
    if (!state) return { ok: false, code: 'not_found', message: 'No such payment.' };
    if (state.blocked) return { ok: false, code: 'invalid_input', message: state.blocked };
    let amount = state.refundable;
    if (ask.amount !== null) {
      const parsed = refundAmount(ask.amount);
      if (!parsed.ok) return { ok: false, code: 'invalid_input', message: parsed.message };
      amount = parsed.value;
    }
    if (compareMoney(amount, state.refundable) > 0) {
      return { ok: false, code: 'invalid_input', message: `At most ₹${rupeesText(state.refundable)} can be refunded now (captured ₹${rupeesText(state.captured)}, already refunded or in flight ₹${rupeesText(state.held)}).` };
    }
    const holds = await holdsFor(tx, actor, ask.paymentId, amount, now);
    const policy = refundPolicy();
    const [refund] = await tx
      .insert(refunds)
      .values({
        transactionRowId: ask.paymentId,
        provider: state.provider,
        requestId: newRequestId(),
        amount,
        currency: state.currency,
        reason,
        source: ask.source,
        batchId: ask.batchId ?? null,
        idempotencyKey: ask.idempotencyKey ?? null,
        requestedBy: actor.id,
        requestedAt: now,
        holds,
        expiresAt: new Date(now.getTime() + policy.expiryMs),
      })
      .returning();
    await recordRefundStep(tx, actor, refund, { action: 'requested', to: 'requested', detail: { reason, holds, source: ask.source, asked: ask.amount === null ? null : amount, ...(ask.batchId ? { batch: ask.batchId } : {}) } });
    return { ok: true, refund, repeated: false };
  });
}


/**
 * What the approver must attend to: a large amount, a payment with an open status-conflict or
 * provider-mismatch case (a note and a minute's wait), or today's limits passed (an admin decides).
 */
async function holdsFor(tx: DbOrTx, actor: RefundActor, paymentId: number, amount: string, now: Date): Promise<RefundHold[]> {
  const policy = refundPolicy();
  const [row] = await queryRows<{ open_case: boolean; mine: string; everyone: string }>(
    tx,
    sql`SELECT EXISTS (SELECT 1 FROM cases c WHERE c.subject_type = 'payment' AND c.subject_id = ${paymentId}
                        AND c.kind IN ('status_conflict', 'provider_mismatch') AND c.state <> 'resolved') AS open_case,
               (SELECT coalesce(sum(amount), 0) FROM refunds
                 WHERE requested_at >= ${istDayStart(now)} AND state NOT IN ('rejected', 'expired', 'failed')
                   AND requested_by IS NOT DISTINCT FROM ${actor.id})::text AS mine,
               (SELECT coalesce(sum(amount), 0) FROM refunds
                 WHERE requested_at >= ${istDayStart(now)} AND state NOT IN ('rejected', 'expired', 'failed'))::text AS everyone`,
  );
  const holds: RefundHold[] = [];
  if (compareMoney(amount, policy.noteAbove) > 0) holds.push('above_threshold');
  if (row.open_case) holds.push('open_case');
  if (compareMoney(addMoney(row.mine, amount), policy.userDailyLimit) > 0) holds.push('over_user_daily_limit');
  if (compareMoney(addMoney(row.everyone, amount), policy.dailyLimit) > 0) holds.push('over_daily_limit');
  return holds;
}

/** Midnight in India (the finance day) at or before `now`. */
export function istDayStart(now: Date): Date {
  const ist = new Date(now.getTime() + 5.5 * 3_600_000);
  return new Date(Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate()) - 5.5 * 3_600_000);
}
