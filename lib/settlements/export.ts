import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { csvRow } from '@/lib/csv';
import { toIsoIst } from '@/lib/time';
import type { ExceptionFilter } from './queries';

/**
 * CSVs of a payout's lines and of exceptions, streamed in pages of 5,000 by keyset (id), so a
 * payout of any size takes flat memory. Money is the exact stored text; cells go through
 * lib/csv.ts (formula-injection guard).
 */
const PAGE = 5000;

function stream<T extends { id: number | string }>(head: string[], page: (after: number) => Promise<T[]>, row: (r: T) => (string | number | null)[], onEnd?: (o: { outcome: string; rows: number }) => Promise<unknown>) {
  let after = 0;
  let rows = 0;
  let headed = false;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!headed) {
          headed = true;
          controller.enqueue(encoder.encode(csvRow(head)));
        }
        const batch = await page(after);
        if (batch.length === 0) {
          controller.close();
          await onEnd?.({ outcome: 'ok', rows });
          return;
        }
        after = Number(batch.at(-1)!.id);
        rows += batch.length;
        controller.enqueue(encoder.encode(batch.map((r) => csvRow(row(r))).join('')));
      } catch (err) {
        await onEnd?.({ outcome: 'failed', rows }).catch(() => {});
        controller.error(err);
      }
    },
    async cancel() {
      await onEnd?.({ outcome: 'cancelled', rows });
    },
  });
}

type LineCsv = Record<string, string | number | null> & { id: number };

export function payoutCsv(db: Db, payoutRowId: number, onEnd?: (o: { outcome: string; rows: number }) => Promise<unknown>) {
  const head = ['payout_id', 'utr', 'payout_at_ist', 'line_no', 'settlement_transaction_id', 'transaction_type', 'settlement_status', 'sale_amount', 'charges', 'gst_on_charges',
    'settlement_amount', 'merchant_mdr', 'contracted_charges', 'contracted_gst', 'outcome', 'payment_final_amount', 'payment_mode', 'payment_status'];
  return stream<LineCsv>(
    head,
    (after) => queryRows<LineCsv>(db, sql`
      SELECT l.id, p.payout_id, p.utr, p.payout_at, l.line_no, l.settlement_transaction_id, l.transaction_type, l.settlement_status,
             l.sale_amount::text, l.charges::text, l.tax_amount::text, l.settlement_amount::text, l.merchant_mdr::text,
             l.expected_charges::text, l.expected_tax::text, l.outcome, coalesce(t.final_amount, t.amount)::text AS payment_amount,
             t.payment_mode, t.status
      FROM settlement_lines l JOIN settlement_payouts p ON p.id = l.payout_row_id LEFT JOIN transactions t ON t.id = l.transaction_row_id
      WHERE l.payout_row_id = ${payoutRowId} AND l.id > ${after} ORDER BY l.id LIMIT ${PAGE}`),
    (r) => [r.payout_id, r.utr, r.payout_at ? toIsoIst(new Date(r.payout_at)) : null, r.line_no, r.settlement_transaction_id, r.transaction_type, r.settlement_status,
      r.sale_amount, r.charges, r.tax_amount, r.settlement_amount, r.merchant_mdr, r.expected_charges, r.expected_tax, r.outcome, r.payment_amount, r.payment_mode, r.status],
    onEnd,
  );
}

export function exceptionsCsv(db: Db, f: Pick<ExceptionFilter, 'state' | 'kind'>, onEnd?: (o: { outcome: string; rows: number }) => Promise<unknown>) {
  const head = ['exception_id', 'kind', 'state', 'summary', 'settlement_transaction_id', 'payment_row_id', 'payout_id', 'expected', 'actual', 'difference',
    'opened_at_ist', 'resolved_at_ist', 'resolution', 'resolved_by', 'note', 'reopened_count'];
  return stream<LineCsv>(
    head,
    (after) => queryRows<LineCsv>(db, sql`
      SELECT e.id, e.kind, e.state, e.summary, e.settlement_transaction_id, e.transaction_row_id, p.payout_id, e.expected::text, e.actual::text,
             e.difference::text, e.opened_at, e.resolved_at, e.resolution, e.resolved_by, e.note, e.reopened_count
      FROM settlement_exceptions e LEFT JOIN settlement_payouts p ON p.id = e.payout_row_id
      WHERE e.id > ${after}
        ${f.state && f.state !== 'all' ? sql`AND e.state = ${f.state}` : sql``}
        ${f.kind ? sql`AND e.kind = ${f.kind}` : sql``}
      ORDER BY e.id LIMIT ${PAGE}`),
    (r) => [r.id, r.kind, r.state, r.summary, r.settlement_transaction_id, r.transaction_row_id, r.payout_id, r.expected, r.actual, r.difference,
      r.opened_at ? toIsoIst(new Date(r.opened_at)) : null, r.resolved_at ? toIsoIst(new Date(r.resolved_at)) : null, r.resolution, r.resolved_by, r.note, r.reopened_count],
    onEnd,
  );
}
