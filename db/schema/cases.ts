import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A case: one thing a person must look at, with a life (lib/cases/machine.ts). Generic by
 * subject: `subject_type` 'payment' (subject_id = transactions.id) today; a settlement exception
 * later ('settlement_exception', its own table's id) without a change here. One case per subject
 * and kind, ever: a resolved case is reopened, never duplicated, never deleted.
 *
 * The state column is written only by lib/cases/machine.ts and by the triggers of the migration
 * cases_triggers (which open a case when its flag first appears and reopen a resolved one when a
 * new delivery contradicts it).
 */
export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    subjectType: text('subject_type').$type<CaseSubjectType>().notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    // The flag kind for a payment (status_conflict, stuck, …): lib/cases/kinds.ts.
    kind: text('kind').notNull(),
    state: text('state').$type<CaseState>().notNull().default('open'),
    assigneeId: bigint('assignee_id', { mode: 'number' }),
    resolution: text('resolution'),
    // Scrubbed of card numbers (lib/text scrubbedText) before it is written.
    resolutionNote: text('resolution_note'),
    resolvedBy: bigint('resolved_by', { mode: 'number' }),
    resolvedAt: at('resolved_at'),
    // Bumped by every transition: a person acts on the version they saw, so of two sessions
    // acting on the same case one wins and the other is told it changed.
    version: integer('version').notNull().default(1),
    reopenCount: integer('reopen_count').notNull().default(0),
    openedAt: at('opened_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('cases_subject_kind_uq').on(t.subjectType, t.subjectId, t.kind),
    // The Needs review queue and its badge: cases not resolved, oldest first.
    index('cases_unresolved_opened_idx').on(t.openedAt, t.id).where(sql`${t.state} <> 'resolved'`),
    index('cases_assignee_idx').on(t.assigneeId, t.openedAt).where(sql`${t.state} = 'assigned'`),
    index('cases_resolved_at_idx').on(t.resolvedAt, t.id).where(sql`${t.state} = 'resolved'`),
  ],
);

/** A case's timeline: every transition and note, insert-only (the audit log holds the same, chained). */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    at: at('at').notNull().defaultNow(),
    // opened, reopened (by the system), assigned, unassigned, resolved, noted (by a person).
    action: text('action').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    // Null for the system's transitions (a flag, a delivery); the user otherwise.
    actorId: bigint('actor_id', { mode: 'number' }),
    actor: text('actor').notNull(),
    assigneeId: bigint('assignee_id', { mode: 'number' }),
    resolution: text('resolution'),
    note: text('note'),
    // What caused a system transition (delivery id, verified status), ids only.
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    // System transitions are written by a trigger, which cannot append to the chained audit log:
    // the cases-audit job does, and marks them here. A person's transitions are audited at once.
    auditedAt: at('audited_at'),
  },
  (t) => [
    index('case_events_case_idx').on(t.caseId, t.id),
    index('case_events_unaudited_idx').on(t.id).where(sql`${t.auditedAt} IS NULL`),
  ],
);

/**
 * Short-lived claims on a piece of queue work ("Asha is on this"), so two agents do not resend an
 * OTP to the same customer. Presence, not ownership: a claim lapses at `expires_at` unless the
 * holder's open page renews it (lib/queues/claims.ts).
 */
export const workClaims = pgTable(
  'work_claims',
  {
    subjectType: text('subject_type').$type<CaseSubjectType>().notNull(),
    subjectId: bigint('subject_id', { mode: 'number' }).notNull(),
    userId: bigint('user_id', { mode: 'number' }).notNull(),
    claimedAt: at('claimed_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subjectType, t.subjectId] })],
);

export type CaseSubjectType = 'payment' | 'settlement_exception';
export type CaseState = 'open' | 'assigned' | 'resolved' | 'reopened';
export type CaseRow = typeof cases.$inferSelect;
export type CaseEventRow = typeof caseEvents.$inferSelect;
