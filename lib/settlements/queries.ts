import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { ExceptionKind, ExceptionState } from '@/db/schema';

/** Reads for the settlement pages and CSVs; `(db, params)`, no auth (the caller decided). */

export interface PayoutRow {
  id: number;
  payoutId: string;
  payoutDay: string | null;
  payoutAt: Date | null;
  payoutStatus: string | null;
  payoutMode: string | null;
  utr: string | null;
  currency: string;
  totalSaleAmount: string | null;
  totalRefundAmount: string | null;
  totalCharges: string | null;
  totalGst: string | null;
  totalSettlementAmount: string | null;
  adjustmentAmount: string | null;
  carryForwardAmount: string | null;
  refundChargebackAmount: string | null;
  transferId: string | null;
  transferResponseReason: string | null;
  lineCount: number;
  matchedLines: number;
  openExceptions: number;
}

const PAYOUT_COLUMNS = sql`p.id, p.payout_id AS "payoutId", to_char(p.payout_day, 'YYYY-MM-DD') AS "payoutDay", p.payout_at AS "payoutAt",
  p.payout_status AS "payoutStatus", p.payout_mode AS "payoutMode", p.utr, p.currency,
  p.total_sale_amount::text AS "totalSaleAmount", p.total_refund_amount::text AS "totalRefundAmount", p.total_charges::text AS "totalCharges",
  p.total_gst::text AS "totalGst", p.total_settlement_amount::text AS "totalSettlementAmount", p.adjustment_amount::text AS "adjustmentAmount",
  p.carry_forward_amount::text AS "carryForwardAmount", p.refund_chargeback_amount::text AS "refundChargebackAmount",
  p.transfer_id AS "transferId", p.transfer_response_reason AS "transferResponseReason", p.line_count AS "lineCount",
  (SELECT count(*) FROM settlement_lines l WHERE l.payout_row_id = p.id AND l.outcome = 'matched')::int AS "matchedLines",
  (SELECT count(*) FROM settlement_exceptions e WHERE e.payout_row_id = p.id AND e.state = 'open')::int AS "openExceptions"`;

const fixDates = <T extends { payoutAt: Date | string | null }>(r: T): T => ({ ...r, payoutAt: r.payoutAt ? new Date(r.payoutAt) : null });

/** Payouts, newest first (by IST payout day), at most `limit`, optionally up to a day. */
export async function listPayouts(db: DbOrTx, params: { limit: number; before?: string | null }): Promise<PayoutRow[]> {
  const rows = await queryRows<PayoutRow>(
    db,
    sql`SELECT ${PAYOUT_COLUMNS} FROM settlement_payouts p
        ${params.before ? sql`WHERE p.payout_day < ${params.before}::date` : sql``}
        ORDER BY p.payout_day DESC NULLS LAST, p.id DESC LIMIT ${params.limit}`,
  );
  return rows.map(fixDates);
}

export async function getPayout(db: DbOrTx, id: number): Promise<PayoutRow | null> {
  const [row] = await queryRows<PayoutRow>(db, sql`SELECT ${PAYOUT_COLUMNS} FROM settlement_payouts p WHERE p.id = ${id}`);
  return row ? fixDates(row) : null;
}

export async function getPayoutByProviderId(db: DbOrTx, payoutId: string): Promise<number | null> {
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT id FROM settlement_payouts WHERE provider = 'enkash' AND payout_id = ${payoutId}`);
  return row ? Number(row.id) : null;
}

export interface LineRow {
  id: number;
  lineNo: number;
  settlementTransactionId: string;
  transactionType: string | null;
  settlementStatus: string | null;
  saleAmount: string | null;
  charges: string | null;
  taxAmount: string | null;
  settlementAmount: string | null;
  merchantMdr: string | null;
  expectedCharges: string | null;
  expectedTax: string | null;
  outcome: string;
  transactionRowId: number | null;
  paymentAmount: string | null;
  paymentMode: string | null;
  paymentStatus: string | null;
  paymentStatusFamily: string | null;
}

/** A payout's lines, the ones with a problem first, then in the provider's order. */
export async function payoutLines(db: DbOrTx, payoutRowId: number, params: { limit?: number } = {}): Promise<LineRow[]> {
  return queryRows<LineRow>(
    db,
    sql`SELECT l.id, l.line_no AS "lineNo", l.settlement_transaction_id AS "settlementTransactionId", l.transaction_type AS "transactionType",
               l.settlement_status AS "settlementStatus", l.sale_amount::text AS "saleAmount", l.charges::text, l.tax_amount::text AS "taxAmount",
               l.settlement_amount::text AS "settlementAmount", l.merchant_mdr::text AS "merchantMdr",
               l.expected_charges::text AS "expectedCharges", l.expected_tax::text AS "expectedTax", l.outcome,
               l.transaction_row_id AS "transactionRowId", coalesce(t.final_amount, t.amount)::text AS "paymentAmount",
               t.payment_mode AS "paymentMode", t.status AS "paymentStatus", t.status_family AS "paymentStatusFamily"
        FROM settlement_lines l LEFT JOIN transactions t ON t.id = l.transaction_row_id
        WHERE l.payout_row_id = ${payoutRowId}
        ORDER BY (l.outcome = 'matched'), l.line_no
        ${params.limit ? sql`LIMIT ${params.limit}` : sql``}`,
  );
}

export interface ExceptionRow {
  id: number;
  kind: ExceptionKind;
  state: ExceptionState;
  summary: string;
  expected: string | null;
  actual: string | null;
  difference: string | null;
  resolution: string | null;
  note: string | null;
  resolvedBy: string | null;
  resolvedByName: string | null;
  openedAt: Date;
  resolvedAt: Date | null;
  reopenedCount: number;
  settlementTransactionId: string | null;
  transactionRowId: number | null;
  payoutRowId: number | null;
  payoutId: string | null;
}

export interface ExceptionFilter {
  state?: ExceptionState | 'all';
  kind?: ExceptionKind | null;
  payoutRowId?: number | null;
  transactionRowId?: number | null;
  limit?: number;
}

/** Exceptions, open ones first, newest first. */
export async function listExceptions(db: DbOrTx, f: ExceptionFilter): Promise<ExceptionRow[]> {
  const where = [sql`true`];
  if (f.state && f.state !== 'all') where.push(sql`e.state = ${f.state}`);
  if (f.kind) where.push(sql`e.kind = ${f.kind}`);
  if (f.payoutRowId) where.push(sql`e.payout_row_id = ${f.payoutRowId}`);
  if (f.transactionRowId) where.push(sql`e.transaction_row_id = ${f.transactionRowId}`);
  const rows = await queryRows<ExceptionRow>(
    db,
    sql`SELECT e.id, e.kind, e.state, e.summary, e.expected::text, e.actual::text, e.difference::text, e.resolution, e.note,
               e.resolved_by AS "resolvedBy", u.name AS "resolvedByName", e.opened_at AS "openedAt", e.resolved_at AS "resolvedAt",
               e.reopened_count AS "reopenedCount", e.settlement_transaction_id AS "settlementTransactionId",
               e.transaction_row_id AS "transactionRowId", e.payout_row_id AS "payoutRowId", p.payout_id AS "payoutId"
        FROM settlement_exceptions e
        LEFT JOIN settlement_payouts p ON p.id = e.payout_row_id
        LEFT JOIN users u ON e.resolved_by = 'user:' || u.id
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY (e.state = 'open') DESC, e.opened_at DESC, e.id DESC
        ${f.limit ? sql`LIMIT ${f.limit}` : sql``}`,
  );
  return rows.map((r) => ({ ...r, openedAt: new Date(r.openedAt), resolvedAt: r.resolvedAt ? new Date(r.resolvedAt) : null }));
}

export async function countExceptions(db: DbOrTx): Promise<{ open: number; resolved: number }> {
  const [r] = await queryRows<{ open: number; resolved: number }>(
    db,
    sql`SELECT count(*) FILTER (WHERE state = 'open')::int AS open, count(*) FILTER (WHERE state = 'resolved')::int AS resolved FROM settlement_exceptions`,
  );
  return r;
}

export interface PaymentSettlement {
  lines: { payoutRowId: number; payoutId: string; payoutAt: Date | null; utr: string | null; transactionType: string | null; saleAmount: string | null; charges: string | null; taxAmount: string | null; outcome: string }[];
}

/** The settlement lines that name a payment, oldest payout first. */
export async function settlementOfPayment(db: DbOrTx, transactionRowId: number): Promise<PaymentSettlement['lines']> {
  const rows = await queryRows<PaymentSettlement['lines'][number]>(
    db,
    sql`SELECT p.id AS "payoutRowId", p.payout_id AS "payoutId", p.payout_at AS "payoutAt", p.utr, l.transaction_type AS "transactionType",
               l.sale_amount::text AS "saleAmount", l.charges::text, l.tax_amount::text AS "taxAmount", l.outcome
        FROM settlement_lines l JOIN settlement_payouts p ON p.id = l.payout_row_id
        WHERE l.transaction_row_id = ${transactionRowId}
        ORDER BY p.payout_at NULLS LAST, l.line_no`,
  );
  return rows.map((r) => ({ ...r, payoutAt: r.payoutAt ? new Date(r.payoutAt) : null }));
}

/** GST on fees per payout in a month (IST payout days), for the input-tax-credit claim. */
export async function gstByPayout(db: DbOrTx, params: { month: string }) {
  return queryRows<{ payoutRowId: number; payoutId: string; payoutDay: string; utr: string | null; charges: string; gst: string; totalGst: string | null }>(
    db,
    sql`SELECT p.id AS "payoutRowId", p.payout_id AS "payoutId", to_char(p.payout_day, 'YYYY-MM-DD') AS "payoutDay", p.utr,
               coalesce(sum(l.charges), 0)::text AS charges, coalesce(sum(l.tax_amount), 0)::text AS gst, p.total_gst::text AS "totalGst"
        FROM settlement_payouts p LEFT JOIN settlement_lines l ON l.payout_row_id = p.id
        WHERE to_char(p.payout_day, 'YYYY-MM') = ${params.month}
        GROUP BY p.id ORDER BY p.payout_day, p.id`,
  );
}
