import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { refunds, type RefundRow, type Role } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { NOTE_MAX } from '@/lib/cases/kinds';
import { compareMoney } from '@/lib/money';
import { scrubbedText } from '@/lib/text';
import { refundPolicy } from './config';
import { recordRefundStep, SYSTEM, type RefundActor } from './machine';
import { moveRefund } from './provider';

/** A person deciding: who, their role, and whether this session passed a code check recently (step-up). */
export interface Approver extends RefundActor {
  id: number;
  role: Role;
  steppedUp: boolean;
}

export type DecideResult =
  | { ok: true; refund: RefundRow; repeated?: boolean }
  | { ok: false; code: 'not_found' | 'forbidden' | 'invalid_input' | 'conflict' | 'step_up_required' | 'over_refund' | 'too_soon'; message: string };

const HOLD_WORDS: Record<string, string> = {
  above_threshold: 'the amount is above the approval threshold',
  open_case: 'the payment has an open status-conflict or provider-mismatch case',
  over_user_daily_limit: 'the requester is past their daily refund limit',
  over_daily_limit: 'today’s refunds are past the daily limit',
};
export const holdWords = (h: string) => HOLD_WORDS[h] ?? h;
const OVER_LIMIT = new Set(['over_user_daily_limit', 'over_daily_limit']);

export function cleanDecisionNote(note: string | null | undefined): string | null {
  const t = scrubbedText((note ?? '').trim()).slice(0, NOTE_MAX);
  return t.length > 0 ? t : null;
}

/** True when the error is the refunds trigger refusing a hold past the captured amount. */
export function isOverRefund(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, constraint, message } = e as Record<string, unknown>;
    if (code === '23514' && (constraint === 'refunds_within_captured' || (typeof message === 'string' && message.includes('past what was captured')))) return true;
  }
  return false;
}

/**
 * Maker-checker: approve a requested refund. Never the requester; a fresh code check; a held
 * request (large amount, open case) needs a note and may not be approved within a minute of being
 * asked for; past a daily limit only an admin decides. The approval holds the amount against the
 * payment in the same statement (the trigger refuses a hold past what was captured), so of twenty
 * approvals at once of requests that together exceed the payment, only those that fit succeed.
 */
export async function approveRefund(db: Db, approver: Approver, input: { refundId: number; note?: string | null }, now = new Date()): Promise<DecideResult> {
  const note = cleanDecisionNote(input.note);
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, input.refundId));
  if (!refund) return { ok: false, code: 'not_found', message: 'No such refund.' };
  const refuse = async (code: Exclude<DecideResult, { ok: true }>['code'], message: string) => {
    await db.transaction((tx) => recordRefundStep(tx, approver, refund, { action: 'approve_refused', outcome: code, detail: { why: message } }));
    return { ok: false as const, code, message };
  };
  if (refund.state !== 'requested') return alreadyDecided(db, refund, 'approve', approver.id);
  if (!can(approver.role, 'refunds.approve')) return refuse('forbidden', 'Your role cannot approve refunds.');
  if (refund.requestedBy === approver.id) return refuse('forbidden', 'You asked for this refund: someone else must approve it.');
  if (!approver.steppedUp) return { ok: false, code: 'step_up_required', message: 'Confirm it is you first: enter a code from your authenticator app.' };
  if (refund.expiresAt.getTime() <= now.getTime()) return refuse('conflict', 'This request has expired; ask for the refund again if it is still due.');
  if (refund.holds.some((h) => OVER_LIMIT.has(h)) && approver.role !== 'admin') {
    return refuse('forbidden', `Only an admin may approve this: ${refund.holds.filter((h) => OVER_LIMIT.has(h)).map(holdWords).join(' and ')}.`);
  }
  if (refund.holds.length > 0) {
    if (!note) return { ok: false, code: 'invalid_input', message: `Add a note: ${refund.holds.map(holdWords).join('; ')}.` };
    const wait = refund.requestedAt.getTime() + refundPolicy().holdWaitMs - now.getTime();
    if (wait > 0) return { ok: false, code: 'too_soon', message: `This one waits a minute after it was asked for (${refund.holds.map(holdWords).join('; ')}): approve it in ${Math.ceil(wait / 1000)} s.` };
  }
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(refunds)
        .set({ state: 'approved', decidedBy: approver.id, decidedAt: now, decisionNote: note, version: sql`${refunds.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(refunds.id, refund.id), eq(refunds.state, 'requested'), sql`${refunds.requestedBy} IS DISTINCT FROM ${approver.id}`, sql`${refunds.expiresAt} > ${now}`))
        .returning();
      if (!row) return alreadyDecided(tx as unknown as Db, refund, 'approve', approver.id);
      await recordRefundStep(tx, approver, row, { action: 'approved', from: 'requested', to: 'approved', detail: { note, holds: row.holds, requestedBy: row.requestedBy } });
      return { ok: true as const, refund: row };
    });
  } catch (err) {
    if (!isOverRefund(err)) throw err;
    return refuse('over_refund', 'Approving this would refund more than the payment captured (other refunds were approved first). Nothing was changed; reject it or ask for less.');
  }
}

export async function rejectRefund(db: Db, approver: Approver, input: { refundId: number; note?: string | null }): Promise<DecideResult> {
  const note = cleanDecisionNote(input.note);
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, input.refundId));
  if (!refund) return { ok: false, code: 'not_found', message: 'No such refund.' };
  if (refund.state !== 'requested') return alreadyDecided(db, refund, 'reject', approver.id);
  // The requester may withdraw their own request; otherwise rejecting is the approver's call.
  const own = refund.requestedBy === approver.id;
  if (!own && !can(approver.role, 'refunds.approve')) return { ok: false, code: 'forbidden', message: 'Your role cannot reject refunds.' };
  if (!own && !note) return { ok: false, code: 'invalid_input', message: 'Say why it is rejected: the requester will read it.' };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(refunds)
      .set({ state: 'rejected', decidedBy: approver.id, decidedAt: sql`now()`, decisionNote: note, version: sql`${refunds.version} + 1`, updatedAt: sql`now()`, finalAt: sql`now()` })
      .where(and(eq(refunds.id, refund.id), eq(refunds.state, 'requested')))
      .returning();
    if (!row) return alreadyDecided(tx as unknown as Db, refund, 'reject', approver.id);
    await recordRefundStep(tx, approver, row, { action: own ? 'withdrawn' : 'rejected', from: 'requested', to: 'rejected', detail: { note } });
    return { ok: true as const, refund: row };
  });
}

/** A decision that found the request decided already: a double click or a replay gets the same answer, nothing more. */
async function alreadyDecided(db: Db, refund: RefundRow, wanted: 'approve' | 'reject', by?: number): Promise<DecideResult> {
  const [now] = await queryRows<{ state: string; decided_by: number | null; who: string | null }>(
    db,
    sql`SELECT r.state, r.decided_by, coalesce(u.name, u.email) AS who FROM refunds r LEFT JOIN users u ON u.id = r.decided_by WHERE r.id = ${refund.id}`,
  );
  const mine = by !== undefined && now?.decided_by !== null && Number(now?.decided_by) === by;
  if (mine && ((wanted === 'approve' && !['requested', 'rejected', 'expired'].includes(now.state)) || (wanted === 'reject' && now.state === 'rejected'))) {
    const [row] = await db.select().from(refunds).where(eq(refunds.id, refund.id));
    return { ok: true, refund: row, repeated: true };
  }
  const who = now?.who ? ` by ${now.who}` : '';
  const what = now?.state === 'expired' ? 'expired' : now?.state === 'rejected' ? `rejected${who}` : `approved${who}`;
  return { ok: false, code: 'conflict', message: `This request was ${what} already. Nothing was changed.` };
}

export const API_AUTO_APPROVER = SYSTEM('api-auto-approve');

/**
 * The merchant API's small refunds (REFUND_API_AUTO_APPROVE_BELOW): a request from the API, with no
 * holds, strictly below the configured amount, is approved by PayOps itself in the same call —
 * recorded as `system:api-auto-approve` in its timeline and audit row. The same conditional UPDATE
 * and the same trigger as a person's approval, so it can never over-refund either. Anything else
 * (no threshold, too large, held, already decided) is left for a person: `{ok: false}`, nothing written.
 */
export async function autoApproveApiRefund(db: Db, refundId: number, now = new Date()): Promise<DecideResult> {
  const below = refundPolicy().apiAutoApproveBelow;
  if (below === null) return { ok: false, code: 'forbidden', message: 'Auto-approval is off.' };
  const [refund] = await db.select().from(refunds).where(eq(refunds.id, refundId));
  if (!refund) return { ok: false, code: 'not_found', message: 'No such refund.' };
  if (refund.source !== 'api' || refund.state !== 'requested' || refund.holds.length > 0 || compareMoney(refund.amount, below) >= 0) {
    return { ok: false, code: 'forbidden', message: 'This request waits for a person.' };
  }
  const note = `Approved by PayOps: an API request below ₹${below} with nothing to attend to.`;
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .update(refunds)
        .set({ state: 'approved', decidedAt: now, decisionNote: note, version: sql`${refunds.version} + 1`, updatedAt: sql`now()` })
        .where(and(eq(refunds.id, refund.id), eq(refunds.state, 'requested'), sql`${refunds.expiresAt} > ${now}`))
        .returning();
      if (!row) return { ok: false as const, code: 'conflict' as const, message: 'This request was decided already.' };
      await recordRefundStep(tx, API_AUTO_APPROVER, row, { action: 'approved', from: 'requested', to: 'approved', detail: { note, holds: row.holds, requestedBy: row.requestedBy, autoApproveBelow: below } });
      return { ok: true as const, refund: row };
    });
  } catch (err) {
    if (!isOverRefund(err)) throw err;
    const message = 'Approving this would refund more than the payment captured; it waits for a person.';
    await db.transaction((tx) => recordRefundStep(tx, API_AUTO_APPROVER, refund, { action: 'approve_refused', outcome: 'over_refund', detail: { why: message } }));
    return { ok: false, code: 'over_refund', message };
  }
}

/**
 * A refund whose send never answered, on a provider PayOps cannot ask by its own request id
 * (Enkash, before its refund id is known): a person who looked in the provider's dashboard says
 * whether it landed. Landed: `pending`, with the provider's refund id if they have it, and followed
 * from there. Did not land: `failed`, and its hold released, so it can be asked for again. An
 * approver's call, with a fresh code and a note; audited like every step.
 */
export async function settleUnknownRefund(
  db: Db,
  approver: Approver,
  input: { refundId: number; landed: boolean; providerRefundId?: string | null; note?: string | null },
): Promise<DecideResult> {
  const note = cleanDecisionNote(input.note);
  const providerRefundId = input.providerRefundId?.trim() || null;
  if (!can(approver.role, 'refunds.approve')) return { ok: false, code: 'forbidden', message: 'Your role cannot settle refunds.' };
  if (!approver.steppedUp) return { ok: false, code: 'step_up_required', message: 'Confirm it is you first: enter a code from your authenticator app.' };
  if (!note) return { ok: false, code: 'invalid_input', message: 'Say what you found in the provider’s dashboard.' };
  if (providerRefundId && !/^[\w.:@-]{1,128}$/.test(providerRefundId)) return { ok: false, code: 'invalid_input', message: 'The provider’s refund id has letters, digits and . _ : @ - only.' };
  const to = input.landed ? 'pending' : 'failed';
  const row = await moveRefund(
    db,
    input.refundId,
    ['unknown'],
    to,
    {
      action: 'settled_by_person',
      detail: { landed: input.landed, note, ...(providerRefundId ? { providerRefundId } : {}) },
      set: { ...(providerRefundId ? { providerRefundId } : {}), ...(input.landed ? {} : { providerMessage: 'Did not land at the provider (checked by a person).' }) },
    },
    approver,
  );
  if (!row) return { ok: false, code: 'conflict', message: 'This refund is no longer waiting for its outcome. Nothing was changed.' };
  return { ok: true, refund: row };
}
