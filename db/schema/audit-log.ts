import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Who did what, when, from where, with what outcome. Insert-only (a trigger refuses UPDATE,
 * DELETE and TRUNCATE) and hash-chained: each row's hash covers the previous row's hash.
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
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at, t.id),
    index('audit_log_action_idx').on(t.action, t.id),
    // The actor filter: a fragment of an email or name becomes these exact actors (`user:12`).
    index('audit_log_actor_idx').on(t.actor, t.id),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
