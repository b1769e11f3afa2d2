import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { refunds, type RefundRow, type RefundState } from '@/db/schema';
import { juspayProviderRefund } from '@/lib/providers/juspay/replies';
import { isProviderError, ProviderError, type ProviderRefund, type Providers } from '@/lib/providers/types';
import { scrubbedText, truncate } from '@/lib/text';
import { fromStates, recordRefundStep, SYSTEM, type RefundActor } from './machine';

/** The payment ids a provider call needs. */
async function paymentOf(db: Db, refund: RefundRow) {
  const [p] = await queryRows<{ transaction_id: string; order_id: string | null }>(db, sql`SELECT transaction_id, order_id FROM transactions WHERE id = ${refund.transactionRowId}`);
  return p;
}

/** Sends a refund to its provider: the call itself, no state change (send.ts does that). */
export async function callProviderRefund(db: Db, providers: Providers, refund: RefundRow): Promise<ProviderRefund> {
  const payment = await paymentOf(db, refund);
  if (!payment) throw new ProviderError('not_found', 'The payment of this refund is gone.', { provider: refund.provider as 'enkash' });
  // The stored numeric as it is: each client writes it as rupees and paise ("200.00"), exactly.
  const amount = refund.amount;
  if (refund.provider === 'juspay') {
    if (!payment.order_id) throw new ProviderError('invalid_input', 'Juspay refunds go by order id, and this payment has none.', { provider: 'juspay' });
    return providers.juspay.refund({ orderId: payment.order_id, requestId: refund.requestId, amount });
  }
  return providers.enkash.refund({ transactionId: payment.transaction_id, amount, remarks: truncate(refund.reason, 100), requestId: refund.requestId });
}

export type AskAnswer = { found: true; answer: ProviderRefund } | { found: false; why: string } | { cannotAsk: string };

/**
 * Asks the provider where one refund stands, never sending it again. Juspay: the order's
 * `refunds[]`, found by our request id (absent means it never landed). Enkash: Get Transaction
 * Status of the refund's own transaction id, known only once the refund call answered.
 */
export async function askProviderRefund(db: Db, providers: Providers, refund: RefundRow): Promise<AskAnswer> {
  if (refund.provider === 'juspay') {
    const payment = await paymentOf(db, refund);
    if (!payment?.order_id) return { cannotAsk: 'The payment has no Juspay order id to ask about.' };
    const order = await providers.juspay.getOrderStatus(payment.order_id);
    const mine = order.refunds.find((r) => r.uniqueRequestId === refund.requestId);
    if (!mine) return { found: false, why: `Juspay's order ${payment.order_id} lists no refund with request id ${refund.requestId}.` };
    return { found: true, answer: juspayProviderRefund(mine, refund.requestId) };
  }
  if (!refund.providerRefundId) {
    return { cannotAsk: `Enkash cannot be asked about a refund by PayOps' request id (${refund.requestId}); its refund id came with the answer that never arrived.` };
  }
  try {
    return { found: true, answer: await providers.enkash.getRefundStatus({ refundTransactionId: refund.providerRefundId, requestId: refund.requestId }) };
  } catch (err) {
    if (isProviderError(err) && err.code === 'not_found') return { found: false, why: `Enkash does not know refund ${refund.providerRefundId}.` };
    throw err;
  }
}

/**
 * Records what the provider said about a refund: its state (only forward: a final refund never
 * moves), its ids and the bank's reference, with its timeline event and audit row. A repeat of
 * what is already recorded changes nothing and writes nothing.
 */
export async function applyProviderAnswer(db: Db, refundId: number, answer: ProviderRefund, via: 'send' | 'check' | 'webhook', actor: RefundActor = SYSTEM(`refunds-${via}`)): Promise<RefundRow | null> {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(refunds).where(eq(refunds.id, refundId)).for('update');
    if (!current) return null;
    const to: RefundState = answer.state;
    const moves = current.state !== to && fromStates(to).includes(current.state);
    const arn = clean(answer.arn, 64) ?? current.arn;
    const providerRefundId = clean(answer.providerRefundId, 128) ?? current.providerRefundId;
    // A late in-flight answer (PENDING after SUCCESS) is behind what is recorded: its words are not news.
    const behind = !moves && (current.state === 'succeeded' || current.state === 'failed') && (to === 'pending' || to === 'manual_review');
    const providerStatus = behind ? current.providerStatus : clean(answer.providerStatus, 64);
    const message = behind ? null : clean(answer.message, 300);
    const news = moves || arn !== current.arn || providerRefundId !== current.providerRefundId || providerStatus !== current.providerStatus;
    if (!news) {
      await tx.update(refunds).set({ lastCheckedAt: sql`now()` }).where(eq(refunds.id, refundId));
      return current;
    }
    const final = to === 'succeeded' || to === 'failed';
    const [row] = await tx
      .update(refunds)
      .set({
        ...(moves ? { state: to, finalAt: final ? sql`now()` : null } : {}),
        arn,
        providerRefundId,
        providerStatus,
        providerMessage: message ?? current.providerMessage,
        lastCheckedAt: sql`now()`,
        version: sql`${refunds.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(refunds.id, refundId))
      .returning();
    await recordRefundStep(tx, actor, row, {
      action: moves ? `provider_${to}` : 'provider_answer',
      ...(moves ? { from: current.state, to } : {}),
      detail: { via, providerStatus, providerRefundId, arn, ...(message ? { message } : {}) },
    });
    return row;
  });
}

const clean = (v: string | null | undefined, max: number) => (v && v.trim() ? truncate(scrubbedText(v.trim()), max) : null);

/** Moves a refund between states the system decides (sending, unknown, back to approved), with its step. */
export async function moveRefund(
  db: Db,
  refundId: number,
  from: RefundState[],
  to: RefundState,
  step: { action: string; detail?: Record<string, unknown>; set?: Record<string, unknown> },
  actor: RefundActor = SYSTEM('refunds'),
): Promise<RefundRow | null> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ state: refunds.state }).from(refunds).where(eq(refunds.id, refundId));
    const [row] = await tx
      .update(refunds)
      .set({ state: to, version: sql`${refunds.version} + 1`, updatedAt: sql`now()`, ...(to === 'failed' ? { finalAt: sql`now()` } : {}), ...step.set })
      .where(and(eq(refunds.id, refundId), inArray(refunds.state, from)))
      .returning();
    if (!row) return null;
    await recordRefundStep(tx, actor, row, { action: step.action, from: before?.state ?? null, to, detail: step.detail });
    return row;
  });
}

/** A provider error in words safe to keep (scrubbed, capped). */
export const errorWords = (err: unknown) =>
  isProviderError(err) ? `${err.code}: ${truncate(scrubbedText(err.message), 300)}` : 'unexpected error (see the server log)';
