import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { CaseState } from '@/db/schema';

/** The Needs review list's views: open (not resolved, oldest first), mine, resolved (latest first), all. */
export const CASE_VIEWS = ['open', 'mine', 'resolved'] as const;
export type CaseView = (typeof CASE_VIEWS)[number];
export const CASE_PAGE = 50;

export interface CaseListRow {
  id: number;
  kind: string;
  state: CaseState;
  version: number;
  openedAt: Date;
  updatedAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
  reopenCount: number;
  assigneeId: number | null;
  assigneeName: string | null;
  payment: { id: number; provider: string; transactionId: string; status: string; statusFamily: string; finalAmount: string | null; currency: string | null; txnAt: Date };
}

type Cursor = { at: string; id: number };

/**
 * One page of cases about payments. Open and mine walk cases_unresolved_opened_idx /
 * cases_assignee_idx in order; resolved walks cases_resolved_at_idx backwards. A case is never
 * deleted, so a resolved one stays listed here and on its payment.
 */
export async function listCases(db: DbOrTx, params: { view: CaseView; userId: number; kind?: string | null; after?: Cursor | null; limit?: number }) {
  const limit = params.limit ?? CASE_PAGE;
  const kind = params.kind ? sql`AND c.kind = ${params.kind}` : sql``;
  const resolved = params.view === 'resolved';
  const key = resolved ? sql`c.resolved_at` : sql`c.opened_at`;
  const where =
    params.view === 'resolved'
      ? sql`c.state = 'resolved'`
      : params.view === 'mine'
        ? sql`c.state = 'assigned' AND c.assignee_id = ${params.userId}`
        : sql`c.state <> 'resolved'`;
  const after = params.after ? (resolved ? sql`AND (${key}, c.id) < (${params.after.at}::timestamptz, ${params.after.id}::bigint)` : sql`AND (${key}, c.id) > (${params.after.at}::timestamptz, ${params.after.id}::bigint)`) : sql``;
  const order = resolved ? sql`ORDER BY c.resolved_at DESC, c.id DESC` : sql`ORDER BY c.opened_at, c.id`;
  const rows = await queryRows<Record<string, any>>(
    db,
    sql`SELECT c.id, c.kind, c.state, c.version, c.opened_at, c.updated_at, c.resolved_at, c.resolution, c.reopen_count, c.assignee_id,
               coalesce(a.name, a.email) AS assignee_name,
               to_char(${key} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at,
               t.id AS payment_id, t.provider, t.transaction_id, t.status, t.status_family, t.final_amount::text AS final_amount, t.currency, t.txn_at
          FROM cases c
          JOIN transactions t ON t.id = c.subject_id
          LEFT JOIN users a ON a.id = c.assignee_id
         WHERE c.subject_type = 'payment' AND ${where} ${kind} ${after}
         ${order}
         LIMIT ${limit + 1}`,
  );
  const page: CaseListRow[] = rows.slice(0, limit).map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    state: r.state,
    version: r.version,
    openedAt: new Date(r.opened_at),
    updatedAt: new Date(r.updated_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    resolution: r.resolution,
    reopenCount: r.reopen_count,
    assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
    assigneeName: r.assignee_name,
    payment: { id: Number(r.payment_id), provider: r.provider, transactionId: r.transaction_id, status: r.status, statusFamily: r.status_family, finalAmount: r.final_amount, currency: r.currency, txnAt: new Date(r.txn_at) },
  }));
  const last = rows[limit - 1];
  return { rows: page, next: rows.length > limit ? { at: last.cursor_at as string, id: Number(last.id) } : null };
}

export interface PaymentCase {
  id: number;
  kind: string;
  state: CaseState;
  version: number;
  assigneeId: number | null;
  assigneeName: string | null;
  resolution: string | null;
  resolutionNote: string | null;
  resolvedAt: Date | null;
  resolvedByName: string | null;
  reopenCount: number;
  openedAt: Date;
  events: { id: number; at: Date; action: string; fromState: string | null; toState: string | null; actor: string; actorName: string | null; assigneeName: string | null; resolution: string | null; note: string | null }[];
}

/** Every case of one payment, resolved ones included, each with its timeline (oldest event first). */
export async function casesForPayment(db: DbOrTx, paymentId: number): Promise<PaymentCase[]> {
  const rows = await queryRows<Record<string, any>>(
    db,
    sql`SELECT c.*, coalesce(a.name, a.email) AS assignee_name, coalesce(r.name, r.email) AS resolved_by_name
          FROM cases c LEFT JOIN users a ON a.id = c.assignee_id LEFT JOIN users r ON r.id = c.resolved_by
         WHERE c.subject_type = 'payment' AND c.subject_id = ${paymentId} ORDER BY c.opened_at, c.id`,
  );
  if (rows.length === 0) return [];
  const events = await queryRows<Record<string, any>>(
    db,
    sql`SELECT e.id, e.case_id, e.at, e.action, e.from_state, e.to_state, e.actor, e.resolution, e.note,
               coalesce(u.name, u.email) AS actor_name, coalesce(s.name, s.email) AS assignee_name
          FROM case_events e LEFT JOIN users u ON u.id = e.actor_id LEFT JOIN users s ON s.id = e.assignee_id
         WHERE e.case_id IN (${sql.join(rows.map((r) => sql`${r.id}::bigint`), sql`, `)}) ORDER BY e.case_id, e.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    state: r.state,
    version: r.version,
    assigneeId: r.assignee_id === null ? null : Number(r.assignee_id),
    assigneeName: r.assignee_name,
    resolution: r.resolution,
    resolutionNote: r.resolution_note,
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    resolvedByName: r.resolved_by_name,
    reopenCount: r.reopen_count,
    openedAt: new Date(r.opened_at),
    events: events
      .filter((e) => Number(e.case_id) === Number(r.id))
      .map((e) => ({ id: Number(e.id), at: new Date(e.at), action: e.action, fromState: e.from_state, toState: e.to_state, actor: e.actor, actorName: e.actor_name, assigneeName: e.assignee_name, resolution: e.resolution, note: e.note })),
  }));
}

/**
 * "Needs review" for a payment, in SQL (alias `t`): a flag of a case kind whose case is not
 * resolved. For every place that counts payments needing a person — list badges, alerts, the
 * unconfirmed part of finance totals — so a resolved case stops counting everywhere at once.
 */
export const needsReviewSql = sql`EXISTS (SELECT 1 FROM cases c WHERE c.subject_type = 'payment' AND c.subject_id = t.id AND c.state <> 'resolved')`;

/** State of each case on a page of payments (for the list's badges): payment id → kind → state. */
export async function caseStatesFor(db: DbOrTx, paymentIds: number[]): Promise<Map<number, Record<string, CaseState>>> {
  const out = new Map<number, Record<string, CaseState>>();
  if (paymentIds.length === 0) return out;
  const rows = await queryRows<{ subject_id: string; kind: string; state: CaseState }>(
    db,
    sql`SELECT subject_id, kind, state FROM cases WHERE subject_type = 'payment' AND subject_id IN (${sql.join(paymentIds.map((id) => sql`${id}::bigint`), sql`, `)})`,
  );
  for (const r of rows) {
    const id = Number(r.subject_id);
    out.set(id, { ...(out.get(id) ?? {}), [r.kind]: r.state });
  }
  return out;
}
