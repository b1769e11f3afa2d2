import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { caseEvents, cases, users, type CaseRow, type CaseState, type Role } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { can } from '@/lib/auth/permissions';
import { scrubbedText } from '@/lib/text';
import { caseKindLabel, NOTE_MAX, resolutionLabel, resolvePermission, RESOLUTIONS, type Resolution } from './kinds';

/**
 * The case state machine: the one place a case's state changes (besides the triggers of migration
 * cases_triggers, which make SYSTEM_TRANSITIONS). Every transition is one conditional UPDATE —
 * WHERE state is one it may leave AND version is the one the person saw — with its case event and
 * audit row in the same transaction. Of two sessions taking or resolving the same case at once,
 * one UPDATE matches and the other finds nothing: it is told what happened instead ("Asha took it").
 */
export const TRANSITIONS = {
  // Take it (assignee = me) or hand it to someone; also from assigned, so a case can be handed over.
  assign: { from: ['open', 'reopened', 'assigned'], to: 'assigned' },
  unassign: { from: ['assigned'], to: 'open' },
  resolve: { from: ['open', 'assigned', 'reopened'], to: 'resolved' },
} as const satisfies Record<string, { from: readonly CaseState[]; to: CaseState }>;

/** Made by the database (migration cases_triggers), audited by the cases-audit job. */
export const SYSTEM_TRANSITIONS = {
  open: { from: [], to: 'open' },
  reopen: { from: ['resolved'], to: 'reopened' },
} as const satisfies Record<string, { from: readonly CaseState[]; to: CaseState }>;

export type CaseAction = keyof typeof TRANSITIONS | 'note';

export interface CaseActor {
  id: number;
  email: string;
  role: Role;
  sourceIp?: string | null;
}

export type CaseCommand =
  | { action: 'assign'; caseId: number; version: number; assigneeId?: number }
  | { action: 'unassign'; caseId: number; version: number }
  | { action: 'resolve'; caseId: number; version: number; resolution: Resolution; note?: string | null }
  | { action: 'note'; caseId: number; note: string };

export type CaseResult = { ok: true; case: CaseRow } | { ok: false; code: 'conflict' | 'not_found' | 'forbidden' | 'invalid_input'; message: string };

const AUDIT_ACTION: Record<CaseAction, string> = { assign: 'cases.assigned', unassign: 'cases.unassigned', resolve: 'cases.resolved', note: 'cases.noted' };

/** A note as stored: card numbers cut to the last four, NUL replaced, trimmed and capped. */
export function cleanNote(note: string | null | undefined): string | null {
  const trimmed = (note ?? '').trim();
  return trimmed ? scrubbedText(trimmed).slice(0, NOTE_MAX) : null;
}

export async function applyCaseCommand(db: Db, actor: CaseActor, command: CaseCommand): Promise<CaseResult> {
  const note = 'note' in command ? cleanNote(command.note) : null;
  if (command.action === 'note' && !note) return { ok: false, code: 'invalid_input', message: 'Write a note first.' };
  if (command.action === 'resolve' && !Object.hasOwn(RESOLUTIONS, command.resolution)) {
    return { ok: false, code: 'invalid_input', message: 'Choose a resolution from the list.' };
  }
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(cases).where(eq(cases.id, command.caseId));
    if (!current) return { ok: false, code: 'not_found', message: 'No such case.' };
    const audit = (outcome: string, details: Record<string, unknown>) =>
      recordAudit(tx, {
        actor: `user:${actor.id}`,
        actorRole: actor.role,
        action: AUDIT_ACTION[command.action],
        target: `case:${current.id}`,
        sourceIp: actor.sourceIp ?? null,
        outcome,
        details: { subject: `${current.subjectType}:${current.subjectId}`, kind: current.kind, ...details },
      });

    if (command.action === 'resolve' && !can(actor.role, resolvePermission(current.kind))) {
      const message = `Your role cannot resolve a “${caseKindLabel(current.kind)}” case; take it and add a note, or hand it on.`;
      await audit('forbidden', { resolution: command.resolution });
      return { ok: false, code: 'forbidden', message };
    }

    if (command.action === 'note') {
      const [row] = await tx.update(cases).set({ updatedAt: sql`now()` }).where(eq(cases.id, current.id)).returning();
      await tx.insert(caseEvents).values({ caseId: current.id, action: 'noted', actorId: actor.id, actor: `user:${actor.id}`, note, auditedAt: sql`now()` });
      await audit('ok', { note });
      return { ok: true, case: row };
    }

    const t = TRANSITIONS[command.action];
    let assigneeId: number | null = null;
    if (command.action === 'assign') {
      assigneeId = command.assigneeId ?? actor.id;
      if (assigneeId !== actor.id) {
        const [target] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, assigneeId), eq(users.active, true)));
        if (!target) return { ok: false, code: 'invalid_input', message: 'That person cannot take cases (unknown or disabled).' };
      }
    }
    const resolving = command.action === 'resolve';
    const [row] = await tx
      .update(cases)
      .set({
        state: t.to,
        assigneeId: resolving ? current.assigneeId : assigneeId,
        resolution: resolving ? command.resolution : null,
        resolutionNote: resolving ? note : null,
        resolvedBy: resolving ? actor.id : null,
        resolvedAt: resolving ? sql`now()` : null,
        version: sql`${cases.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(cases.id, current.id), inArray(cases.state, [...t.from]), eq(cases.version, command.version)))
      .returning();
    if (!row) {
      const message = await conflictMessage(tx, current.id, command.action);
      await audit('conflict', { seenVersion: command.version });
      return { ok: false, code: 'conflict', message };
    }
    await tx.insert(caseEvents).values({
      caseId: row.id,
      action: { assign: 'assigned', unassign: 'unassigned', resolve: 'resolved' }[command.action],
      fromState: current.state,
      toState: row.state,
      actorId: actor.id,
      actor: `user:${actor.id}`,
      assigneeId: row.assigneeId,
      resolution: row.resolution,
      note,
      auditedAt: sql`now()`,
    });
    await audit('ok', {
      from: current.state,
      to: row.state,
      ...(command.action === 'assign' ? { assigneeId } : {}),
      ...(resolving ? { resolution: command.resolution, resolutionLabel: resolutionLabel(command.resolution), note } : {}),
    });
    return { ok: true, case: row };
  });
}

/**
 * Why a transition found nothing to change, read after the fact: someone else's transition
 * committed first (the row read at the start of this transaction may predate it on Postgres' read
 * committed, so the row is read again here).
 */
async function conflictMessage(tx: Parameters<Parameters<Db['transaction']>[0]>[0], caseId: number, action: keyof typeof TRANSITIONS): Promise<string> {
  const [now] = await queryRows<{ state: CaseState; who: string | null; assignee: string | null }>(
    tx,
    sql`SELECT c.state, coalesce(r.name, r.email) AS who, coalesce(a.name, a.email) AS assignee
          FROM cases c LEFT JOIN users r ON r.id = c.resolved_by LEFT JOIN users a ON a.id = c.assignee_id
         WHERE c.id = ${caseId}`,
  );
  if (now?.state === 'resolved') return `Someone got there first: ${now.who ?? 'another person'} resolved this case. Nothing was changed.`;
  if (now?.state === 'assigned' && action !== 'unassign') return `Someone got there first: ${now.assignee ?? 'another person'} has this case now. Nothing was changed.`;
  return 'This case changed while you were looking at it. Nothing was changed; look at it again.';
}
