import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Who did what, when, from where, with what outcome. Insert-only (a trigger refuses UPDATE,
 * DELETE and TRUNCATE, and the application's role is granted only SELECT and INSERT; db/roles.ts)
 * and chained (lib/audit/chain.ts): each row's `mac` is an HMAC-SHA256, keyed with AUDIT_HMAC_KEY,
 * over its content, its `seq` and the previous row's chain value (`prev_mac`).
 *
 * Rows written before the key existed carry the unkeyed SHA-256 `hash`/`prev_hash` instead and
 * no `seq` (their position in id order is their number); the first keyed row's `prev_mac` is the
 * last of them's `hash`, so the keyed chain vouches for the legacy part as it was at the upgrade.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    target: text('target'),
    sourceIp: text('source_ip'),
    outcome: text('outcome').notNull(),
    details: jsonb('details').notNull().default({}),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    /** 1, 2, 3… with no gap (ids have gaps: a rolled-back transaction spends one). */
    seq: bigint('seq', { mode: 'number' }),
    prevMac: text('prev_mac'),
    mac: text('mac'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
    // The actor filter: a fragment of an email or name becomes these exact actors (`user:12`).
    index('audit_log_actor_idx').on(t.actor, t.id),
    // Two appends with one number would be a fork of the chain: refused, never written.
    uniqueIndex('audit_log_seq_uq').on(t.seq),
    check('audit_log_one_chain', sql`(${t.hash} IS NULL) <> (${t.mac} IS NULL) AND (${t.mac} IS NULL) = (${t.seq} IS NULL)`),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;

/**
 * Signed checkpoints of the log's head (lib/audit/checkpoint.ts), every 5 minutes: a copy outside
 * audit_log, insert-only like it, so deleting the newest rows of the log is caught — the head a
 * checkpoint names is gone or different. Each is also written into the log (`audit.checkpoint`)
 * and, with AUDIT_ANCHOR_URL, posted out of the database.
 */
export const auditCheckpoints = pgTable('audit_checkpoints', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  headId: bigint('head_id', { mode: 'number' }).notNull(),
  headSeq: bigint('head_seq', { mode: 'number' }).notNull(),
  headMac: text('head_mac').notNull(),
  /** The `audit.checkpoint` row that carries this checkpoint in the log. */
  auditRowId: bigint('audit_row_id', { mode: 'number' }).notNull(),
  signature: text('signature').notNull(),
});

export type AuditCheckpoint = typeof auditCheckpoints.$inferSelect;

/**
 * How far the chain has been verified, and what was found (lib/audit/verify.ts): `full`, the last
 * walk of the whole log (hourly job, or an admin's button); `incremental`, the /audit page's check
 * of the rows since. Signed with the audit key, so a clean result cannot be written in by hand.
 */
export const auditVerification = pgTable('audit_verification', {
  scope: text('scope', { enum: ['full', 'incremental'] }).primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }).notNull(),
  throughId: bigint('through_id', { mode: 'number' }),
  throughSeq: bigint('through_seq', { mode: 'number' }),
  throughMac: text('through_mac'),
  rowsChecked: bigint('rows_checked', { mode: 'number' }).notNull(),
  breakCount: integer('break_count').notNull(),
  breaks: jsonb('breaks').notNull().default([]),
  signature: text('signature').notNull(),
});

export type AuditVerificationRow = typeof auditVerification.$inferSelect;
