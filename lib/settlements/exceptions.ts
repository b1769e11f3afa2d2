import { and, eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { settlementExceptions, type ExceptionKind, type ExceptionState, type SettlementException } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { scrubbedText, storableText } from '@/lib/text';

/**
 * A reconciliation exception's life, in one place. A person resolves an open exception with a
 * resolution and a note, or reopens a resolved one; reconciliation (lib/settlements/reconcile.ts)
 * opens them, clears those no longer found, and reopens those the data contradicts. Every
 * transition is one conditional UPDATE … WHERE state = from, with its audit row in the same
 * transaction. The shape (kind, subject, state, resolution, note) is a case's: a later generic
 * `cases` table can take these over.
 */
export const TRANSITIONS = {
  resolve: { from: 'open', to: 'resolved', action: 'settlements.exception_resolved' },
  reopen: { from: 'resolved', to: 'open', action: 'settlements.exception_reopened' },
} as const satisfies Record<string, { from: ExceptionState; to: ExceptionState; action: string }>;

/** What a person may say closed an exception. `cleared` is reconciliation's own (no longer found). */
export const RESOLUTIONS = {
  recovered: 'Recovered from the provider',
  provider_corrected: 'Corrected by the provider in a later payout',
  written_off: 'Written off',
  accepted: 'Accepted as charged',
  not_an_error: 'Not an error',
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
export const RESOLUTION_LABELS: Record<string, string> = { ...RESOLUTIONS, cleared: 'Cleared: no longer found by reconciliation' };

export const KIND_LABELS: Record<ExceptionKind, string> = {
  amount_differs: 'Amount differs',
  unknown_payment: 'Settled, unknown to PayOps',
  not_settled: 'Paid, not settled',
  settled_twice: 'Settled twice',
  refund_not_netted: 'Refund not netted',
  excess_fee: 'Fee above contract',
};

export const NOTE_MAX = 1000;

export interface Actor {
  userId: number;
  role: string;
  sourceIp: string | null;
}

/** The note as stored: card numbers cut to their last four, text Postgres can store, at most NOTE_MAX characters. */
export function cleanNote(note: string): string {
  return storableText(scrubbedText(note.trim())).text.slice(0, NOTE_MAX);
}

export async function resolveException(
  db: Db,
  params: { id: number; resolution: Resolution; note: string; actor: Actor },
): Promise<SettlementException> {
  const note = cleanNote(params.note);
  if (!note) throw new AppError('invalid_input', 'Say in a note what was done about it.');
  if (!(params.resolution in RESOLUTIONS)) throw new AppError('invalid_input', 'Choose a resolution.');
  return transition(db, TRANSITIONS.resolve, params, {
    set: {
      resolution: params.resolution,
      note,
      resolvedAt: new Date(),
      resolvedBy: `user:${params.actor.userId}`,
      // Kept so a later, different difference reopens it (contradicted).
      resolvedDifference: sql`${settlementExceptions.difference}`,
    },
    details: { resolution: params.resolution, note },
    refused: { outcome: 'refused_not_open', message: 'This exception is not open any more: reload the page to see who resolved it.' },
  });
}

export async function reopenException(db: Db, params: { id: number; note: string; actor: Actor }): Promise<SettlementException> {
  const note = cleanNote(params.note);
  return transition(db, TRANSITIONS.reopen, params, {
    set: { resolution: null, resolvedAt: null, resolvedBy: null, resolvedDifference: null, note: note || null },
    details: { note },
    refused: { outcome: 'refused_not_resolved', message: 'This exception is already open.' },
  });
}

/**
 * One person's transition: the conditional UPDATE (only from its state) and its audit row in one
 * transaction; a lost race is audited as refused and answered as a conflict.
 */
async function transition(
  db: Db,
  t: (typeof TRANSITIONS)[keyof typeof TRANSITIONS],
  params: { id: number; actor: Actor },
  change: { set: PgUpdateSetSource<typeof settlementExceptions>; details: Record<string, unknown>; refused: { outcome: string; message: string } },
): Promise<SettlementException> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(settlementExceptions)
      .set({ state: t.to, ...change.set })
      .where(and(eq(settlementExceptions.id, params.id), eq(settlementExceptions.state, t.from)))
      .returning();
    await recordAudit(tx, {
      actor: `user:${params.actor.userId}`,
      actorRole: params.actor.role,
      action: t.action,
      target: `settlement_exception:${params.id}`,
      sourceIp: params.actor.sourceIp,
      outcome: row ? 'ok' : change.refused.outcome,
      details: change.details,
    });
    if (!row) throw new AppError('conflict', change.refused.message);
    return row;
  });
}
