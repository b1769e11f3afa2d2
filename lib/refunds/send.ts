import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { refunds, type RefundRow } from '@/db/schema';
import { isProviderError, type Providers } from '@/lib/providers/types';
import { logError } from '@/lib/log';
import { AT_PROVIDER } from './machine';
import { askProviderRefund, applyProviderAnswer, callProviderRefund, errorWords, moveRefund } from './provider';

export type SendOutcome =
  | { refundId: number; result: 'sent'; state: string }
  | { refundId: number; result: 'unknown'; why: string }
  | { refundId: number; result: 'refused'; why: string }
  | { refundId: number; result: 'not_sent'; why: string }
  | { refundId: number; result: 'nothing_to_do'; state: string };

/**
 * Sends one approved refund (the `refunds-send` job). `approved → sending` is committed before the
 * call, so a second worker, a repeated job or a crash never sends twice: a refund found `sending`
 * was cut off mid-call, and is `unknown` until the provider is asked. The provider's answer moves
 * it on; a timeout or an answer lost on the way is `unknown` (asked, never sent again blindly); a
 * refusal fails it (its hold is released); an error before the request left sends it back to
 * `approved` for a retry with the same request id.
 */
export async function sendRefund(db: Db, providers: Providers, refundId: number): Promise<SendOutcome> {
  const claimed = await moveRefund(db, refundId, ['approved'], 'sending', {
    action: 'sending',
    set: { sendAttempts: sql`${refunds.sendAttempts} + 1`, sentAt: sql`coalesce(${refunds.sentAt}, now())` },
  });
  if (!claimed) {
    const [now] = await db.select().from(refunds).where(eq(refunds.id, refundId));
    if (now?.state === 'sending' && Date.now() - now.updatedAt.getTime() > 60_000) {
      await markUnknown(db, now, 'A send was cut off before its answer (the worker stopped).');
      return { refundId, result: 'unknown', why: 'cut off' };
    }
    return { refundId, result: 'nothing_to_do', state: now?.state ?? 'gone' };
  }
  try {
    const answer = await callProviderRefund(db, providers, claimed);
    const row = await applyProviderAnswer(db, refundId, answer, 'send');
    return { refundId, result: 'sent', state: row?.state ?? answer.state };
  } catch (err) {
    if (!isProviderError(err)) {
      logError(`[refunds] refund ${refundId}: the send failed unexpectedly:`, err);
      await markUnknown(db, claimed, 'The send failed unexpectedly; whether it reached the provider is not known.');
      return { refundId, result: 'unknown', why: 'unexpected' };
    }
    if (err.code === 'duplicate_request') {
      // Juspay has this request id already: the first call landed. Ask where it stands.
      await markUnknown(db, claimed, 'The provider has this request id already (duplicate.call): the first call landed.');
      return { refundId, result: 'unknown', why: 'duplicate' };
    }
    if (err.details.outcomeUnknown) {
      await markUnknown(db, claimed, `No answer: ${errorWords(err)}`);
      return { refundId, result: 'unknown', why: err.code };
    }
    if (err.code === 'invalid_input' || err.code === 'not_found') {
      await moveRefund(db, refundId, ['sending'], 'failed', { action: 'provider_refused', detail: { error: errorWords(err) }, set: { providerMessage: errorWords(err) } });
      return { refundId, result: 'refused', why: errorWords(err) };
    }
    // Never left PayOps (refused connection, our credentials refused, rate limited): send it again later.
    await moveRefund(db, refundId, ['sending'], 'approved', { action: 'send_failed', detail: { error: errorWords(err) } });
    return { refundId, result: 'not_sent', why: errorWords(err) };
  }
}

/** Outcome unknown: the amount stays held; the provider is asked (check job), or a person is (a case). */
export async function markUnknown(db: Db, refund: RefundRow, why: string): Promise<void> {
  await moveRefund(db, refund.id, ['sending'], 'unknown', { action: 'outcome_unknown', detail: { why } });
  // Enkash cannot be asked by request id before its refund id is known: a person must look.
  if (refund.provider !== 'juspay' && !refund.providerRefundId) await flagPayment(db, refund.transactionRowId, 'refund_unknown');
}

/** Raises a refund flag on the payment; the cases trigger opens (once) its case. */
export async function flagPayment(db: Db, paymentId: number, flag: 'refund_unknown' | 'refund_stuck'): Promise<void> {
  await db.execute(sql`UPDATE transactions SET flags = array_append(flags, ${flag}), updated_at = now()
                        WHERE id = ${paymentId} AND NOT (${flag} = ANY (flags))`);
}

export type CheckOutcome = { refundId: number; state: string; changed: boolean; note?: string };

/**
 * Where a refund in flight stands (`refunds-check`): asked, never sent again. Juspay's answer that
 * it never got the request sends the refund back to `approved` (the same request id goes again; if
 * the first did land meanwhile, Juspay answers duplicate.call and nothing doubles).
 */
export async function checkRefund(db: Db, providers: Providers, refundId: number): Promise<CheckOutcome> {
  let [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!refund) return { refundId, state: 'gone', changed: false };
  if (!AT_PROVIDER.includes(refund.state)) return { refundId, state: refund.state, changed: false };
  if (refund.state === 'sending') {
    if (Date.now() - refund.updatedAt.getTime() < 60_000) return { refundId, state: refund.state, changed: false, note: 'send in progress' };
    await markUnknown(db, refund, 'A send was cut off before its answer (the worker stopped).');
    // Read again: a Juspay refund that never landed goes back to `approved` only from `unknown`.
    [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  }
  const asked = await askProviderRefund(db, providers, refund);
  if ('cannotAsk' in asked) {
    await db.update(refunds).set({ lastCheckedAt: sql`now()` }).where(eq(refunds.id, refundId));
    return { refundId, state: refund.state, changed: false, note: asked.cannotAsk };
  }
  if (!asked.found) {
    if (refund.state === 'unknown' && refund.provider === 'juspay') {
      await moveRefund(db, refundId, ['unknown'], 'approved', { action: 'not_landed', detail: { why: asked.why } });
      return { refundId, state: 'approved', changed: true, note: 'never landed: sent again' };
    }
    await db.update(refunds).set({ lastCheckedAt: sql`now()` }).where(eq(refunds.id, refundId));
    return { refundId, state: refund.state, changed: false, note: asked.why };
  }
  const row = await applyProviderAnswer(db, refundId, asked.answer, 'check');
  return { refundId, state: row?.state ?? refund.state, changed: row?.state !== refund.state };
}
