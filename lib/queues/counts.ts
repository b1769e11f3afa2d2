import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { STUCK_AT_BANK } from '@/db/schema';
import type { Role } from '@/lib/auth/permissions';
import { can } from '@/lib/auth/permissions';
import { notMoneyBack, pastDeadlineSql } from './stuck';
import { waitingOtpWhere } from './waiting-otp';

export interface QueueCounts {
  waitingOtp?: number;
  review?: number;
  mine?: number;
  stuck?: number;
  stuckPastDeadline?: number;
  /** Refund requests waiting for a decision (lib/refunds), for those who may approve. */
  refunds?: number;
}

/** The nav's badges: one statement, only the queues this role may open (each an index range). */
export async function queueCounts(db: DbOrTx, params: { role: Role; userId: number; now: Date; windowMinutes: number }): Promise<QueueCounts> {
  const parts = [];
  if (can(params.role, 'queues.waiting_otp')) parts.push(sql`(SELECT count(*)::int FROM transactions t WHERE ${waitingOtpWhere(params.now, params.windowMinutes)}) AS waiting_otp`);
  if (can(params.role, 'cases.read')) {
    parts.push(sql`(SELECT count(*)::int FROM cases c WHERE c.state <> 'resolved') AS review`);
    parts.push(sql`(SELECT count(*)::int FROM cases c WHERE c.state = 'assigned' AND c.assignee_id = ${params.userId}) AS mine`);
  }
  if (can(params.role, 'queues.stuck')) {
    // Both stuck counts from one walk of transactions_stuck_at_bank_idx.
    parts.push(sql`(SELECT ARRAY[count(*), count(*) FILTER (WHERE ${pastDeadlineSql(params.now)})]::int[] FROM transactions t WHERE ${STUCK_AT_BANK} AND ${notMoneyBack}) AS stuck`);
  }
  if (can(params.role, 'refunds.approve')) parts.push(sql`(SELECT count(*)::int FROM refunds r WHERE r.state = 'requested') AS refunds`);
  if (parts.length === 0) return {};
  const [r] = await queryRows<{ waiting_otp?: number; review?: number; mine?: number; stuck?: number[]; refunds?: number }>(db, sql`SELECT ${sql.join(parts, sql`, `)}`);
  return { waitingOtp: r.waiting_otp, review: r.review, mine: r.mine, stuck: r.stuck?.[0], stuckPastDeadline: r.stuck?.[1], refunds: r.refunds };
}
