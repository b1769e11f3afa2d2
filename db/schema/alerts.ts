import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type AlertSeverity = 'critical' | 'warning';
export type AlertTransitionKind = 'opened' | 'resolved';
/** The figures a rule measured: counts, shares, minutes, ISO times. Never a payment's own data. */
export type AlertNumbers = Record<string, number | string | null>;

/**
 * One alert: a rule (and its key, e.g. the provider) whose condition held from `opened_at` to
 * `resolved_at`. Written only by lib/alerts/rules.ts.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    rule: text('rule').notNull(),
    // What the rule is about: a provider, a job queue; '' for a rule with one instance.
    key: text('key').notNull().default(''),
    severity: text('severity').$type<AlertSeverity>().notNull(),
    title: text('title').notNull(),
    // The summary in words when it opened (its message says this), and the latest one (at
    // resolution once resolved).
    openedSummary: text('opened_summary').notNull(),
    summary: text('summary').notNull(),
    // The numbers that tripped it, kept as they were when it opened.
    openedNumbers: jsonb('opened_numbers').$type<AlertNumbers>().notNull(),
    // The latest numbers while open; the numbers at resolution afterwards.
    numbers: jsonb('numbers').$type<AlertNumbers>().notNull(),
    openedAt: at('opened_at').notNull(),
    lastEvaluatedAt: at('last_evaluated_at').notNull(),
    // When its condition was first seen clear (null while it holds): it resolves once clear long enough.
    clearSince: at('clear_since'),
    resolvedAt: at('resolved_at'),
  },
  (t) => [
    // One open alert per rule and key, whatever number of instances evaluate at once.
    uniqueIndex('alerts_open_rule_key_uq').on(t.rule, t.key).where(sql`${t.resolvedAt} IS NULL`),
    index('alerts_opened_at_idx').on(t.openedAt, t.id),
  ],
);

export type AlertDeliveryState = 'pending' | 'delivered' | 'retrying' | 'failed' | 'not_configured';

/** The outgoing webhook message of one transition of an alert: whether it reached the receiver. */
export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    alertId: bigint('alert_id', { mode: 'number' })
      .notNull()
      .references(() => alerts.id),
    transition: text('transition').$type<AlertTransitionKind>().notNull(),
    state: text('state').$type<AlertDeliveryState>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: at('last_attempt_at'),
    // A sender holds the delivery until then, so two jobs never post the same message at once.
    inFlightUntil: at('in_flight_until'),
    deliveredAt: at('delivered_at'),
    httpStatus: smallint('http_status'),
    // Why the last attempt failed, in PayOps' words: never the receiver's URL or reply.
    lastError: text('last_error'),
    createdAt: at('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.transition] }),
    // The sweep for messages never sent (a job lost between the transition and its queue).
    index('alert_deliveries_undelivered_idx').on(t.createdAt).where(sql`${t.deliveredAt} IS NULL`),
  ],
);

export type Alert = typeof alerts.$inferSelect;
export type AlertDelivery = typeof alertDeliveries.$inferSelect;
