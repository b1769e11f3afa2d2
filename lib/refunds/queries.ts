import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { RefundHold, RefundState } from '@/db/schema';
import { IN_FLIGHT, stateIn } from './machine';

export interface RefundView {
  id: number;
  paymentId: number;
  transactionId: string;
  provider: string;
  requestId: string;
  amount: string;
  currency: string;
  reason: string;
  state: RefundState;
  source: string;
  batchId: number | null;
  holds: RefundHold[];
  requestedBy: number | null;
  requestedByName: string | null;
  requestedAt: Date;
  expiresAt: Date;
  decidedByName: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  providerRefundId: string | null;
  providerStatus: string | null;
  providerMessage: string | null;
  arn: string | null;
  sentAt: Date | null;
  finalAt: Date | null;
  paymentAmount: string | null;
}

export interface RefundEventView {
  id: number;
  refundId: number;
  at: Date;
  action: string;
  fromState: string | null;
  toState: string | null;
  actor: string;
  actorName: string | null;
  detail: Record<string, unknown>;
}

const SELECT = sql`
  SELECT r.id, r.transaction_row_id AS "paymentId", t.transaction_id AS "transactionId", r.provider, r.request_id AS "requestId",
         r.amount::text AS amount, r.currency, r.reason, r.state, r.source, r.batch_id AS "batchId", r.holds,
         r.requested_by AS "requestedBy", coalesce(rq.name, rq.email, CASE WHEN r.source = 'api' THEN 'Merchant API' END) AS "requestedByName",
         r.requested_at AS "requestedAt", r.expires_at AS "expiresAt",
         coalesce(dc.name, dc.email) AS "decidedByName", r.decided_at AS "decidedAt", r.decision_note AS "decisionNote",
         r.provider_refund_id AS "providerRefundId", r.provider_status AS "providerStatus", r.provider_message AS "providerMessage",
         r.arn, r.sent_at AS "sentAt", r.final_at AS "finalAt", coalesce(t.final_amount, t.amount)::text AS "paymentAmount"
    FROM refunds r
    JOIN transactions t ON t.id = r.transaction_row_id
    LEFT JOIN users rq ON rq.id = r.requested_by
    LEFT JOIN users dc ON dc.id = r.decided_by`;

const rowsOf = (rows: RefundView[]) =>
  rows.map((r) => ({
    ...r,
    id: Number(r.id),
    paymentId: Number(r.paymentId),
    batchId: r.batchId === null ? null : Number(r.batchId),
    requestedBy: r.requestedBy === null ? null : Number(r.requestedBy),
    requestedAt: new Date(r.requestedAt),
    expiresAt: new Date(r.expiresAt),
    decidedAt: r.decidedAt && new Date(r.decidedAt),
    sentAt: r.sentAt && new Date(r.sentAt),
    finalAt: r.finalAt && new Date(r.finalAt),
  }));

/** A payment's refunds, newest first, each with its timeline. */
export async function refundsForPayment(db: DbOrTx, paymentId: number): Promise<(RefundView & { events: RefundEventView[] })[]> {
  const list = rowsOf(await queryRows<RefundView>(db, sql`${SELECT} WHERE r.transaction_row_id = ${paymentId} ORDER BY r.id DESC`));
  if (list.length === 0) return [];
  const events = await queryRows<RefundEventView>(
    db,
    sql`SELECT e.id, e.refund_id AS "refundId", e.at, e.action, e.from_state AS "fromState", e.to_state AS "toState", e.actor,
               coalesce(u.name, u.email) AS "actorName", e.detail
          FROM refund_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.refund_id IN (SELECT id FROM refunds WHERE transaction_row_id = ${paymentId}) ORDER BY e.id`,
  );
  return list.map((r) => ({
    ...r,
    events: events.filter((e) => Number(e.refundId) === r.id).map((e) => ({ ...e, id: Number(e.id), refundId: Number(e.refundId), at: new Date(e.at) })),
  }));
}

export const REFUND_TABS = {
  awaiting: { label: 'Awaiting approval', where: sql`r.state = 'requested'`, order: sql`r.requested_at ASC, r.id ASC` },
  in_flight: { label: 'In flight', where: stateIn(sql`r.state`, IN_FLIGHT), order: sql`r.decided_at ASC NULLS LAST, r.id ASC` },
  done: { label: 'Done', where: sql`r.state IN ('succeeded', 'failed', 'rejected', 'expired')`, order: sql`r.final_at DESC NULLS LAST, r.id DESC` },
} as const;
export type RefundTab = keyof typeof REFUND_TABS;

/** The refunds page: one tab's refunds (at most `limit`), and how many each tab holds. */
export async function listRefunds(db: DbOrTx, tab: RefundTab, limit = 200): Promise<{ rows: RefundView[]; counts: Record<RefundTab, number> }> {
  const t = REFUND_TABS[tab];
  const rows = rowsOf(await queryRows<RefundView>(db, sql`${SELECT} WHERE ${t.where} ORDER BY ${t.order} LIMIT ${limit}`));
  const [c] = await queryRows<{ awaiting: number; in_flight: number; done: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE state = 'requested')::int AS awaiting,
               count(*) FILTER (WHERE ${stateIn(sql`state`, IN_FLIGHT)})::int AS in_flight,
               count(*) FILTER (WHERE state IN ('succeeded', 'failed', 'rejected', 'expired'))::int AS done
          FROM refunds`,
  );
  return { rows, counts: { awaiting: c.awaiting, in_flight: c.in_flight, done: c.done } };
}
