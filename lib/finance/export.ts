import type { DbOrTx } from '@/db/client';
import type { Transaction } from '@/db/schema';
import { csvRow } from '@/lib/csv';
import { logError } from '@/lib/log';
import { exportPage, type ExportRowData } from '@/lib/payments/queries';
import type { TransactionSearch } from '@/lib/payments/search-params';
import { toIsoIst } from '@/lib/time';

// Pages of 5,000: fewer round trips; memory stays at one page (about 1 MB of CSV).
export const EXPORT_PAGE_SIZE = 5000;

/** The columns of a payments export, in order, with how each cell is read from a transaction. */
const COLUMNS: [string, (t: Transaction) => string | null][] = [
  ['time (IST)', (t) => csvTime(t.txnAt)],
  ['transactionId', (t) => t.transactionId],
  ['uniqueTransactionId', (t) => t.uniqueTransactionId],
  ['orderId', (t) => t.orderId],
  ['bankTransactionId', (t) => t.bankTransactionId],
  ['provider', (t) => t.provider],
  ['status', (t) => t.status],
  ['paymentMode', (t) => t.paymentMode],
  ['currency', (t) => t.currency],
  // Money as stored: numeric(18,4) text, never through a float.
  ['amount', (t) => t.amount],
  ['surcharge', (t) => t.surcharge],
  ['surchargeGst', (t) => t.surchargeGst],
  ['finalAmount', (t) => t.finalAmount],
  ['mdr', (t) => t.mdr],
  ['mdrGst', (t) => t.mdrGst],
  ['cardScheme', (t) => t.cardScheme],
  ['cardLast4', (t) => t.cardLast4],
  ['bankName', (t) => t.bankName],
  ['cardholderName', (t) => t.cardholderName],
  ['flags', (t) => t.flags.join(' ')],
];

export const EXPORT_HEADER = COLUMNS.map(([name]) => name);

/** `2025-02-07 14:00:05 +05:30`: a form spreadsheets read as a time, with its zone. */
export function csvTime(date: Date): string {
  const iso = toIsoIst(date);
  return `${iso.slice(0, 10)} ${iso.slice(11, -6)} ${iso.slice(-6)}`;
}

export function exportRow(t: Transaction): string {
  return csvRow(COLUMNS.map(([, cell]) => cell(t)));
}

/** The same row from an export page (exportPage: formatted by Postgres, same columns, same order). */
export function exportRowFast(r: ExportRowData): string {
  return csvRow([
    r.ist, r.transactionId, r.uniqueTransactionId, r.orderId, r.bankTransactionId, r.provider, r.status, r.paymentMode, r.currency,
    r.amount, r.surcharge, r.surchargeGst, r.finalAmount, r.mdr, r.mdrGst, r.cardScheme, r.cardLast4, r.bankName, r.cardholderName, r.flags,
  ]);
}

/** `payops-payments-2026-11-21T1530IST.csv` */
export function exportFilename(now: Date = new Date()): string {
  const iso = toIsoIst(now);
  return `payops-payments-${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}IST.csv`;
}

/** The filters of a search as the audit log keeps them: what was asked for, not the page. */
export function exportFilters(search: TransactionSearch): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(search)) {
    if (key === 'cursor' || key === 'limit' || value === undefined) continue;
    filters[key] = value instanceof Date ? toIsoIst(value) : value;
  }
  return filters;
}

export interface ExportResult {
  outcome: 'ok' | 'failed' | 'cancelled';
  rows: number;
  pages: number;
}


/**
 * Every payment matching `search` (its cursor and limit ignored) as CSV, newest first. Pages of
 * `pageSize` rows are fetched with keyset cursors as the reader asks for them, so memory stays
 * at one page whatever the size of the export. `onEnd` hears how it ended.
 */
export function exportPaymentsCsv(
  db: DbOrTx,
  search: TransactionSearch,
  options: { pageSize?: number; onEnd?: (result: ExportResult) => unknown } = {},
): ReadableStream<Uint8Array> {
  const pageSize = options.pageSize ?? EXPORT_PAGE_SIZE;
  const encoder = new TextEncoder();
  let after: { key: string; id: number } | null = null;
  let rows = 0;
  let pages = 0;
  let ended = false;
  const end = async (outcome: ExportResult['outcome']) => {
    if (ended) return;
    ended = true;
    try {
      await options.onEnd?.({ outcome, rows, pages });
    } catch (err) {
      logError('[export] recording the end of an export failed:', err);
    }
  };

  return new ReadableStream<Uint8Array>({
    start(controller) {
      // The byte-order mark makes Excel read the file as UTF-8 (names in Devanagari, ₹).
      controller.enqueue(encoder.encode(`\uFEFF${csvRow(EXPORT_HEADER)}`));
    },
    async pull(controller) {
      try {
        const page = await exportPage(db, { ...search, cursor: undefined, limit: pageSize }, after, pageSize);
        pages++;
        rows += page.length;
        if (page.length) controller.enqueue(encoder.encode(page.map(exportRowFast).join('')));
        if (page.length < pageSize) {
          // Recorded before the last byte, so a finished download always has its audit row.
          await end('ok');
          controller.close();
          return;
        }
        const last = page[page.length - 1];
        after = { key: last.cursorKey, id: last.id };
      } catch (err) {
        // Erroring the stream aborts the response, so a cut-short file never looks complete.
        await end('failed');
        controller.error(err);
      }
    },
    async cancel() {
      await end('cancelled');
    },
  });
}
