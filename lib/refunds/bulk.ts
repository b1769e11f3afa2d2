import { createHash } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { queryRows } from '@/db/client';
import { refundBatches, refunds, users, type RefundBatchRow, type RefundRow, type Role } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { can } from '@/lib/auth/permissions';
import { findCardNumbers } from '@/lib/cards';
import { csvRow, parseCsv } from '@/lib/csv';
import { addMoney, compareMoney, formatMoney } from '@/lib/money';
import { scrubbedText } from '@/lib/text';
import { REASON_MAX, refundPolicy } from './config';
import { approveRefund, cleanDecisionNote, holdWords, rejectRefund, type Approver } from './decide';
import { queueRefundSend } from './jobs';
import { IN_FLIGHT, SYSTEM, type RefundActor } from './machine';
import { cleanReason, refundablesOf, refundAmount, requestRefund } from './request';

/**
 * Bulk refunds (issue 12): finance uploads a CSV of (transaction id, amount, reason); every row gets
 * its verdict before anything is created and the draft is kept in `refund_batches`; confirming
 * creates one request per valid row (source `bulk`) in one transaction; one approval — never by
 * the uploader — approves each request through approveRefund, so the same maker-checker rules and
 * the same over-refund trigger hold row by row; rejecting rejects them all.
 */
export const BULK_MAX_BYTES = 1024 * 1024;
export const BULK_MAX_ROWS = 5000;

export type Verdict = 'ok' | 'bad_id' | 'unknown_payment' | 'not_refundable' | 'bad_amount' | 'missing_reason' | 'duplicate' | 'over_refundable';

export const VERDICT_WORDS: Record<Verdict, string> = {
  ok: 'OK',
  bad_id: 'Bad transaction id',
  unknown_payment: 'Unknown payment',
  not_refundable: 'Not refundable',
  bad_amount: 'Bad amount',
  missing_reason: 'Missing reason',
  duplicate: 'Duplicate row',
  over_refundable: 'More than refundable',
};

/** One row of a batch as stored in `refund_batches.rows`. Text is scrubbed of card numbers; shown and exported formula-safe. */
export interface BatchRowData {
  /** The row's number in the file, the header being row 1 (a spreadsheet's row number). */
  row: number;
  transactionId: string;
  provider: string | null;
  /** The amount cell as written (capped). */
  amountText: string;
  /** Exact, four decimals; null when the cell is not an amount. */
  amount: string | null;
  reason: string;
  verdict: Verdict;
  message: string | null;
  paymentId: number | null;
  /** Once confirmed: the request made of this row, and what its approver must attend to. */
  refundId?: number | null;
  holds?: string[];
  /** Once decided: `approved`, or why not (over_refund, conflict, forbidden…), in words beside it. */
  outcome?: string | null;
  outcomeMessage?: string | null;
}

export type BatchState = 'draft' | 'requested' | 'approved' | 'rejected' | 'expired';

/** A raw row from the file, before any check. */
interface RawRow {
  row: number;
  transactionId: string;
  provider: string | null;
  amount: string;
  reason: string;
}

export type FileParse = { ok: true; rows: RawRow[]; ignoredColumns: string[] } | { ok: false; message: string };

// Header names people actually write, normalised (lower case, runs of space, dash and dot as `_`).
const COLUMNS = {
  transactionId: ['transaction_id', 'transactionid', 'txn_id', 'txnid', 'transaction', 'txn', 'id', 'payment_id', 'provider_transaction_id', 'transaction_ref', 'transaction_reference'],
  amount: ['amount', 'refund_amount', 'amount_inr', 'amount_rs', 'amount_(inr)', 'amount_(₹)', 'amount_₹', 'refund', 'refund_amount_inr', 'rupees'],
  reason: ['reason', 'refund_reason', 'remarks', 'remark', 'note', 'notes', 'comment', 'comments', 'description'],
  provider: ['provider', 'gateway'],
} as const;
type Column = keyof typeof COLUMNS;
const normaliseHeader = (h: string) => h.trim().toLowerCase().replace(/[\s.\-]+/g, '_');

/** Where a parse error's character index falls, as a line number. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The file → rows, or why the whole file is refused: too large, not UTF-8 (a UTF-16 or legacy
 * Windows export), broken quoting, no header naming the three columns, too many rows.
 */
export function parseBulkFile(bytes: Uint8Array): FileParse {
  if (bytes.byteLength > BULK_MAX_BYTES) return { ok: false, message: `The file is ${(bytes.byteLength / 1048576).toFixed(1)} MiB; at most 1 MiB per file. Split it into smaller files.` };
  if (bytes.byteLength === 0) return { ok: false, message: 'The file is empty.' };
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, message: 'The file is UTF-16 (Excel’s “Unicode text”). Save it as “CSV UTF-8 (comma delimited)” and upload it again.' };
  }
  if (bytes.includes(0)) return { ok: false, message: 'The file holds NUL bytes: it is not a text CSV (a UTF-16 or binary file?). Save it as “CSV UTF-8” and upload it again.' };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, message: 'The file is not UTF-8 (probably a Windows “CSV” export in another encoding). Save it as “CSV UTF-8 (comma delimited)” and upload it again.' };
  }
  let records: string[][];
  try {
    records = parseCsv(text);
  } catch (err) {
    const at = /at (\d+)/.exec((err as Error).message);
    const where = at ? ` on line ${lineAt(text, Number(at[1]))}` : '';
    const what = (err as Error).message.startsWith('unterminated') ? 'a quoted field is never closed' : 'a quote or line break is out of place';
    return { ok: false, message: `The file is not valid CSV${where}: ${what}. Fields holding commas, quotes or line breaks must be in double quotes, with quotes inside doubled.` };
  }
  const blank = (r: string[]) => r.every((c) => c.trim() === '');
  const headerIndex = records.findIndex((r) => !blank(r));
  if (headerIndex < 0) return { ok: false, message: 'The file has no rows.' };
  const header = records[headerIndex].map(normaliseHeader);
  const index: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  for (const [i, h] of header.entries()) {
    const column = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(h));
    if (!column) {
      if (h) ignored.push(scrubbedText(records[headerIndex][i]).slice(0, 40));
      continue;
    }
    if (index[column] !== undefined) return { ok: false, message: `The header names the ${column === 'transactionId' ? 'transaction id' : column} column twice.` };
    index[column] = i;
  }
  const missing = (['transactionId', 'amount', 'reason'] as const).filter((c) => index[c] === undefined);
  if (missing.length) {
    return { ok: false, message: `The first row must name the columns transaction_id, amount and reason (missing: ${missing.map((c) => (c === 'transactionId' ? 'transaction_id' : c)).join(', ')}).` };
  }
  const rows: RawRow[] = [];
  for (let i = headerIndex + 1; i < records.length; i++) {
    const r = records[i];
    if (blank(r)) continue;
    if (rows.length >= BULK_MAX_ROWS) {
      const more = records.slice(i).filter((x) => !blank(x)).length;
      return { ok: false, message: `The file has ${(rows.length + more).toLocaleString('en-IN')} rows; at most ${BULK_MAX_ROWS.toLocaleString('en-IN')} per file. Split it into smaller files.` };
    }
    const cell = (c: Column) => (index[c] === undefined ? '' : (r[index[c]!] ?? ''));
    rows.push({ row: i + 1, transactionId: cell('transactionId'), provider: index.provider === undefined ? null : cell('provider'), amount: cell('amount'), reason: cell('reason') });
  }
  if (rows.length === 0) return { ok: false, message: 'The file has a header but no rows.' };
  return { ok: true, rows, ignoredColumns: ignored };
}

const ID = /^[\w.:@-]{1,128}$/;
const PROVIDERS = new Set(['enkash', 'juspay', 'enkash_wallet']);
const rupees = (v: string) => `₹${formatMoney(v, 2)}`;

interface Candidate {
  id: number;
  provider: string;
  transaction_id: string;
  unique_transaction_id: string | null;
}

/**
 * Every row's verdict, before anything is created: the payment (by the provider's transaction
 * id, a Juspay txn_uuid too), whether it can be refunded (refundableOf's reason), the amount, the
 * reason, a repeat of an earlier row (same payment and amount), and the running total of the
 * file's rows for one payment against what it allows now.
 */
export async function assessRows(db: DbOrTx, raw: readonly RawRow[]): Promise<BatchRowData[]> {
  const wanted = [...new Set(raw.map((r) => r.transactionId.trim()).filter((id) => ID.test(id)))];
  const candidates = new Map<string, Candidate[]>();
  if (wanted.length) {
    const list = `{${wanted.map((id) => `"${id}"`).join(',')}}`;
    const found = await queryRows<Candidate>(
      db,
      sql`SELECT id, provider, transaction_id, unique_transaction_id FROM transactions
           WHERE transaction_id = ANY(${list}::text[]) OR (provider = 'juspay' AND unique_transaction_id = ANY(${list}::text[]))
           ORDER BY id`,
    );
    for (const c of found) {
      for (const key of new Set([c.transaction_id, c.unique_transaction_id].filter((k): k is string => !!k))) {
        if (!candidates.has(key)) candidates.set(key, []);
        candidates.get(key)!.push({ ...c, id: Number(c.id) });
      }
    }
  }
  const refundable = await refundablesOf(db, [...candidates.values()].flat().map((c) => c.id));
  const running = new Map<number, string>();
  const seen = new Map<string, number>();
  return raw.map((r): BatchRowData => {
    const transactionId = scrubbedText(r.transactionId.trim()).slice(0, 128);
    const provider = r.provider === null ? null : scrubbedText(r.provider.trim().toLowerCase()).slice(0, 20) || null;
    const amountText = scrubbedText(r.amount.trim()).slice(0, 32);
    const reason = cleanReason(r.reason);
    const base = { row: r.row, transactionId, provider, amountText, amount: null as string | null, reason: reason ?? scrubbedText(r.reason.trim()).slice(0, REASON_MAX), paymentId: null as number | null };
    const verdict = (v: Verdict, message: string | null, extra: Partial<BatchRowData> = {}): BatchRowData => ({ ...base, ...extra, verdict: v, message });
    const id = r.transactionId.trim();
    if (!id) return verdict('bad_id', 'No transaction id.');
    if (!ID.test(id) || findCardNumbers(id, 'identifier').length > 0) return verdict('bad_id', 'A transaction id is letters, digits and . _ : @ - only (at most 128).');
    if (provider && !PROVIDERS.has(provider)) return verdict('unknown_payment', `Unknown provider “${provider}”: enkash, juspay or enkash_wallet.`);
    const all = candidates.get(id) ?? [];
    const exact = all.filter((c) => c.transaction_id === id);
    let matches = (exact.length ? exact : all).filter((c) => !provider || c.provider === provider);
    if (matches.length === 0) return verdict('unknown_payment', provider ? `No ${provider} payment has this id.` : 'No payment has this id.');
    const providers = new Set(matches.map((m) => m.provider));
    if (providers.size > 1) return verdict('unknown_payment', `Payments at ${[...providers].sort().join(' and ')} have this id: add a provider column.`);
    matches = matches.slice(0, 1);
    const paymentId = matches[0].id;
    const state = refundable.get(paymentId);
    if (!state) return verdict('unknown_payment', 'No payment has this id.');
    if (state.blocked) return verdict('not_refundable', state.blocked, { paymentId });
    if (!amountText) return verdict('bad_amount', 'No amount: write the rupees to refund (e.g. 200 or 1299.50).', { paymentId });
    const amount = refundAmount(amountText);
    if (!amount.ok) return verdict('bad_amount', `${amount.message} No thousands separators.`, { paymentId });
    if (!reason) return verdict('missing_reason', 'Say why (at least 3 characters): the approver and the audit log need it.', { paymentId, amount: amount.value });
    const key = `${paymentId}|${amount.value}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return verdict('duplicate', `Repeats row ${earlier} (same payment and amount). If both refunds are meant, upload this one in another file.`, { paymentId, amount: amount.value });
    const after = addMoney(running.get(paymentId) ?? '0', amount.value);
    if (compareMoney(after, state.refundable) > 0) {
      const before = running.get(paymentId);
      return verdict(
        'over_refundable',
        `At most ${rupees(state.refundable)} can be refunded now${before ? `, and earlier rows of this file already ask for ${rupees(before)}` : ''}.`,
        { paymentId, amount: amount.value },
      );
    }
    running.set(paymentId, after);
    seen.set(key, r.row);
    return verdict('ok', null, { paymentId, amount: amount.value });
  });
}

const counts = (rows: readonly BatchRowData[]) => ({
  validRows: rows.filter((r) => r.verdict === 'ok').length,
  invalidRows: rows.filter((r) => r.verdict !== 'ok').length,
  total: addMoney('0', ...rows.filter((r) => r.verdict === 'ok').map((r) => r.amount)),
});

/** The person behind a batch step. */
export interface BatchActor {
  id: number;
  role: Role;
  sourceIp?: string | null;
}
const label = (a: BatchActor) => `user:${a.id}`;
const refundActor = (a: BatchActor): RefundActor => ({ id: a.id, label: label(a), role: a.role, sourceIp: a.sourceIp ?? null });

export type BatchResult<T = RefundBatchRow> =
  | { ok: true; batch: T }
  | { ok: false; code: 'not_found' | 'forbidden' | 'invalid_input' | 'conflict' | 'step_up_required' | 'too_soon' | 'too_large'; message: string };

async function auditBatch(db: DbOrTx, actor: { label: string; role: string | null; sourceIp?: string | null }, batchId: number | null, action: string, outcome: string, details: Record<string, unknown> = {}) {
  await recordAudit(db, { actor: actor.label, actorRole: actor.role, action: `refunds.${action}`, target: batchId ? `refund_batch:${batchId}` : 'refund_batches', sourceIp: actor.sourceIp ?? null, outcome, details });
}

/** An upload: the file checked and every row assessed; stored as a draft (nothing requested yet), audited. A refused file is audited too. */
export async function createDraftBatch(db: Db, actor: BatchActor, file: { name: string; bytes: Uint8Array }): Promise<BatchResult<RefundBatchRow & { ignoredColumns: string[] }>> {
  const fileName = scrubbedText(file.name.split(/[\\/]/).pop() || 'refunds.csv').slice(0, 200) || 'refunds.csv';
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const who = { label: label(actor), role: actor.role, sourceIp: actor.sourceIp };
  if (!can(actor.role, 'refunds.request')) {
    await auditBatch(db, who, null, 'batch_upload_refused', 'forbidden', { fileName });
    return { ok: false, code: 'forbidden', message: 'Your role cannot ask for refunds.' };
  }
  const parsed = parseBulkFile(file.bytes);
  if (!parsed.ok) {
    await auditBatch(db, who, null, 'batch_upload_refused', 'invalid_input', { fileName, bytes: file.bytes.byteLength, why: parsed.message });
    return { ok: false, code: file.bytes.byteLength > BULK_MAX_BYTES ? 'too_large' : 'invalid_input', message: parsed.message };
  }
  return db.transaction(async (tx) => {
    const rows = await assessRows(tx, parsed.rows);
    const c = counts(rows);
    const [batch] = await tx.insert(refundBatches).values({ createdBy: actor.id, fileName, fileSha256: sha256, state: 'draft', rows, ...c }).returning();
    // A sha256 is 64 hex characters: passed as a digest so the card scrubber never cuts a digit run in it.
    await recordAudit(tx, {
      actor: who.label,
      actorRole: who.role,
      action: 'refunds.batch_uploaded',
      target: `refund_batch:${batch.id}`,
      sourceIp: who.sourceIp ?? null,
      outcome: 'ok',
      details: { fileName, rows: rows.length, ...c, ignoredColumns: parsed.ignoredColumns },
      digests: { fileSha256: sha256 },
    });
    return { ok: true as const, batch: { ...batch, ignoredColumns: parsed.ignoredColumns } };
  });
}

export const batchRows = (b: Pick<RefundBatchRow, 'rows'>) => b.rows as BatchRowData[];

class Abort extends Error {
  constructor(readonly code: 'conflict' | 'invalid_input', message: string) {
    super(message);
  }
}

/**
 * Confirm (refunds.request): in one transaction, the rows are assessed again (another refund may
 * have been approved since the upload) — if any verdict changed nothing is created and the draft
 * shows the new verdicts — then one request per valid row (source `bulk`, this batch, an
 * idempotency key per row), and the batch → requested.
 */
export async function confirmBatch(db: Db, actor: BatchActor, batchId: number, now = new Date()): Promise<BatchResult> {
  const who = { label: label(actor), role: actor.role, sourceIp: actor.sourceIp };
  if (!can(actor.role, 'refunds.request')) {
    await auditBatch(db, who, batchId, 'batch_confirm_refused', 'forbidden');
    return { ok: false, code: 'forbidden', message: 'Your role cannot ask for refunds.' };
  }
  try {
    return await db.transaction(async (tx) => {
      const [batch] = await tx.select().from(refundBatches).where(eq(refundBatches.id, batchId)).for('update');
      if (!batch) return { ok: false as const, code: 'not_found' as const, message: 'No such batch.' };
      if (batch.state !== 'draft') return { ok: false as const, code: 'conflict' as const, message: `This batch is ${batch.state} already. Nothing was changed.` };
      const stored = batchRows(batch);
      const again = await assessRows(
        tx,
        stored.map((r) => ({ row: r.row, transactionId: r.transactionId, provider: r.provider, amount: r.amountText, reason: r.reason })),
      );
      const changed = again.filter((r, i) => r.verdict !== stored[i].verdict);
      if (changed.length) {
        const c = counts(again);
        await tx.update(refundBatches).set({ rows: again, ...c, version: sql`${refundBatches.version} + 1` }).where(eq(refundBatches.id, batchId));
        await auditBatch(tx, who, batchId, 'batch_confirm_refused', 'changed', { changedRows: changed.map((r) => r.row).slice(0, 50) });
        return { ok: false as const, code: 'conflict' as const, message: `${changed.length} row(s) changed since the upload (other refunds were approved meanwhile). Nothing was created: check the verdicts below and confirm again.` };
      }
      const valid = again.filter((r) => r.verdict === 'ok');
      if (valid.length === 0) throw new Abort('invalid_input', 'No row of this file can be refunded.');
      const byRow = new Map<number, { refundId: number; holds: string[] }>();
      for (const r of valid) {
        const made = await requestRefund(
          tx as unknown as Db,
          refundActor(actor),
          { paymentId: r.paymentId!, amount: formatMoney(r.amount!, 2), reason: r.reason, source: 'bulk', batchId, idempotencyKey: `bulk:${batchId}:${r.row}` },
          now,
        );
        if (!made.ok) throw new Abort('conflict', `Row ${r.row}: ${made.message} Nothing was created.`);
        byRow.set(r.row, { refundId: made.refund.id, holds: made.refund.holds });
      }
      const rows = again.map((r) => (byRow.has(r.row) ? { ...r, ...byRow.get(r.row) } : r));
      const hasHolds = [...byRow.values()].some((v) => v.holds.length > 0);
      const [updated] = await tx
        .update(refundBatches)
        .set({ state: 'requested', rows, ...counts(rows), hasHolds, version: sql`${refundBatches.version} + 1` })
        .where(and(eq(refundBatches.id, batchId), eq(refundBatches.state, 'draft')))
        .returning();
      await auditBatch(tx, who, batchId, 'batch_confirmed', 'ok', { requests: byRow.size, total: updated.total, hasHolds });
      return { ok: true as const, batch: updated };
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    await auditBatch(db, who, batchId, 'batch_confirm_refused', err.code, { why: err.message });
    return { ok: false, code: err.code, message: err.message };
  }
}

const OVER_LIMIT = new Set(['over_user_daily_limit', 'over_daily_limit']);

/**
 * One approval for the batch (refunds.approve, a fresh code check, never the uploader nor whoever
 * confirmed it; a note when any row has holds): the batch → approved, then approveRefund for each
 * request in its own transaction, so a row that no longer fits (over_refund: other refunds were
 * approved first) gets its own outcome while the others go ahead; each approved send is queued.
 * The same approver pressing again continues a batch an interruption left half done.
 */
export async function approveBatch(
  db: Db,
  approver: Approver,
  input: { batchId: number; note?: string | null },
  now = new Date(),
  queueSend: (refundId: number) => Promise<void> = queueRefundSend,
): Promise<BatchResult & { summary?: Record<string, number> }> {
  const note = cleanDecisionNote(input.note);
  const [batch] = await db.select().from(refundBatches).where(eq(refundBatches.id, input.batchId));
  if (!batch) return { ok: false, code: 'not_found', message: 'No such batch.' };
  const refuse = async (code: 'forbidden' | 'conflict' | 'invalid_input' | 'too_soon', message: string) => {
    await auditBatch(db, approver, batch.id, 'batch_approve_refused', code, { why: message });
    return { ok: false as const, code, message };
  };
  if (!can(approver.role, 'refunds.approve')) return refuse('forbidden', 'Your role cannot approve refunds.');
  if (batch.createdBy === approver.id) return refuse('forbidden', 'You uploaded this file: someone else must approve it.');
  const resuming = batch.state === 'approved' && batch.decidedBy === approver.id;
  if (batch.state !== 'requested' && !resuming) return refuse('conflict', `This batch is ${batch.state} already. Nothing was changed.`);
  const requests = await db.select().from(refunds).where(eq(refunds.batchId, batch.id)).orderBy(asc(refunds.id));
  const open = requests.filter((r) => r.state === 'requested');
  if (open.some((r) => r.requestedBy === approver.id)) return refuse('forbidden', 'You confirmed this batch: someone else must approve it.');
  if (!approver.steppedUp) return { ok: false, code: 'step_up_required', message: 'Confirm it is you first: enter a code from your authenticator app.' };
  const held = open.filter((r) => r.holds.length > 0);
  if (held.length && !note) {
    const kinds = [...new Set(held.flatMap((r) => r.holds))].map(holdWords).join('; ');
    return { ok: false, code: 'invalid_input', message: `Add a note: ${held.length} row(s) have holds (${kinds}).` };
  }
  if (held.some((r) => r.holds.some((h) => OVER_LIMIT.has(h))) && approver.role !== 'admin') {
    return refuse('forbidden', 'Only an admin may approve this batch: some rows are past a daily refund limit.');
  }
  const wait = Math.max(0, ...held.map((r) => r.requestedAt.getTime() + refundPolicy().holdWaitMs - now.getTime()));
  if (wait > 0) return { ok: false, code: 'too_soon', message: `Rows with holds wait a minute after they were asked for: approve the batch in ${Math.ceil(wait / 1000)} s.` };
  if (!resuming) {
    const claimed = await db.transaction(async (tx) => {
      const [row] = await tx
        .update(refundBatches)
        .set({ state: 'approved', decidedBy: approver.id, decidedAt: now, decisionNote: note, version: sql`${refundBatches.version} + 1` })
        .where(and(eq(refundBatches.id, batch.id), eq(refundBatches.state, 'requested')))
        .returning();
      if (row) await auditBatch(tx, approver, batch.id, 'batch_approved', 'ok', { note, requests: open.length, total: batch.total });
      return row;
    });
    if (!claimed) return refuse('conflict', 'Someone decided this batch meanwhile. Nothing was changed.');
  }
  const outcomes = new Map<number, { outcome: string; message: string | null }>();
  for (const r of requests) {
    if (r.state !== 'requested') {
      outcomes.set(r.id, { outcome: r.state === 'expired' ? 'expired' : r.state === 'rejected' ? 'rejected' : 'approved', message: null });
      continue;
    }
    const out = await approveRefund(db, approver, { refundId: r.id, note }, now);
    if (out.ok) {
      outcomes.set(r.id, { outcome: 'approved', message: null });
      await queueSend(r.id);
    } else outcomes.set(r.id, { outcome: out.code, message: out.message });
  }
  const summary: Record<string, number> = {};
  for (const o of outcomes.values()) summary[o.outcome] = (summary[o.outcome] ?? 0) + 1;
  const rows = batchRows(batch).map((row) => {
    const o = row.refundId ? outcomes.get(row.refundId) : undefined;
    return o ? { ...row, outcome: o.outcome, outcomeMessage: o.message } : row;
  });
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx.update(refundBatches).set({ rows, version: sql`${refundBatches.version} + 1` }).where(eq(refundBatches.id, batch.id)).returning();
    await auditBatch(tx, approver, batch.id, 'batch_approve_finished', summary.approved === outcomes.size ? 'ok' : 'partial', { outcomes: summary });
    return row;
  });
  return { ok: true, batch: updated, summary };
}

/**
 * Reject: a draft is discarded by its uploader or an approver; a requested batch is rejected by an
 * approver other than the uploader (with a note), or withdrawn by whoever confirmed it. The batch
 * and every request still waiting are rejected in one transaction.
 */
export async function rejectBatch(db: Db, actor: BatchActor, input: { batchId: number; note?: string | null }): Promise<BatchResult> {
  const note = cleanDecisionNote(input.note);
  const who = { label: label(actor), role: actor.role, sourceIp: actor.sourceIp };
  try {
    return await db.transaction(async (tx) => {
      const [batch] = await tx.select().from(refundBatches).where(eq(refundBatches.id, input.batchId)).for('update');
      if (!batch) return { ok: false as const, code: 'not_found' as const, message: 'No such batch.' };
      if (batch.state !== 'draft' && batch.state !== 'requested') return { ok: false as const, code: 'conflict' as const, message: `This batch is ${batch.state} already. Nothing was changed.` };
      const requests = await tx.select().from(refunds).where(and(eq(refunds.batchId, batch.id), eq(refunds.state, 'requested'))).orderBy(asc(refunds.id));
      const approverRole = can(actor.role, 'refunds.approve');
      const uploader = batch.createdBy === actor.id;
      const confirmer = requests.length > 0 && requests.every((r) => r.requestedBy === actor.id);
      const own = batch.state === 'draft' ? uploader : confirmer;
      if (!own && (!approverRole || uploader)) throw new Abort('conflict', 'forbidden');
      if (!own && !note) throw new Abort('invalid_input', 'Say why it is rejected: the uploader will read it.');
      const [row] = await tx
        .update(refundBatches)
        .set({ state: 'rejected', decidedBy: actor.id, decidedAt: sql`now()`, decisionNote: note, version: sql`${refundBatches.version} + 1` })
        .where(and(eq(refundBatches.id, batch.id), eq(refundBatches.state, batch.state)))
        .returning();
      const decider: Approver = { id: actor.id, label: label(actor), role: actor.role, sourceIp: actor.sourceIp ?? null, steppedUp: false };
      for (const r of requests) {
        const out = await rejectRefund(tx as unknown as Db, decider, { refundId: r.id, note });
        if (!out.ok) throw new Abort('conflict', `Refund ${r.id}: ${out.message}`);
      }
      const rows = batchRows(row).map((r) => (r.refundId ? { ...r, outcome: 'rejected', outcomeMessage: note } : r));
      const [done] = await tx.update(refundBatches).set({ rows }).where(eq(refundBatches.id, batch.id)).returning();
      await auditBatch(tx, who, batch.id, batch.state === 'draft' ? 'batch_discarded' : own ? 'batch_withdrawn' : 'batch_rejected', 'ok', { note, requests: requests.length });
      return { ok: true as const, batch: done };
    });
  } catch (err) {
    if (!(err instanceof Abort)) throw err;
    const forbidden = err.message === 'forbidden';
    const message = forbidden ? 'Only an approver who did not upload it, or whoever confirmed it, may reject this batch.' : err.message;
    await auditBatch(db, who, input.batchId, 'batch_reject_refused', forbidden ? 'forbidden' : err.code, { why: message });
    return { ok: false, code: forbidden ? 'forbidden' : err.code, message };
  }
}

/**
 * Expiry follows the requests' (`refunds-track`, every minute): a draft never confirmed within
 * REFUND_EXPIRY_HOURS, and a requested batch none of whose requests is still waiting while some
 * expired, become `expired`, each with its audit row.
 */
export async function expireBatches(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - refundPolicy().expiryMs);
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(refundBatches)
      .set({ state: 'expired', version: sql`${refundBatches.version} + 1` })
      .where(
        sql`(${refundBatches.state} = 'draft' AND ${refundBatches.createdAt} <= ${cutoff})
         OR (${refundBatches.state} = 'requested'
             AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.batch_id = ${refundBatches.id} AND r.state <> 'expired'))`,
      )
      .returning({ id: refundBatches.id });
    for (const r of rows) await auditBatch(tx, SYSTEM('refunds-track'), r.id, 'batch_expired', 'ok');
    return rows.length;
  });
}

// ——— reads for the pages and the result CSV ———

export async function getBatch(db: DbOrTx, id: number): Promise<(RefundBatchRow & { uploader: string | null; decider: string | null }) | null> {
  const [row] = await db.select().from(refundBatches).where(eq(refundBatches.id, id));
  if (!row) return null;
  const names = await queryRows<{ id: string; who: string }>(
    db,
    sql`SELECT id, coalesce(name, email) AS who FROM users WHERE id IN (${row.createdBy}, ${row.decidedBy ?? row.createdBy})`,
  );
  const who = (uid: number | null) => names.find((n) => uid !== null && Number(n.id) === uid)?.who ?? null;
  return { ...row, uploader: who(row.createdBy), decider: who(row.decidedBy) };
}

/** The batch's requests as they stand now (state, provider refund id, ARN), keyed by refund id. */
export async function batchRefunds(db: DbOrTx, batchId: number): Promise<Map<number, RefundRow>> {
  const rows = await db.select().from(refunds).where(eq(refunds.batchId, batchId)).orderBy(asc(refunds.id));
  return new Map(rows.map((r) => [r.id, r]));
}

/** How many of the batch's refunds are in each state, and whether any is still on its way. */
export function batchProgress(rows: Iterable<RefundRow>): { byState: Record<string, number>; inFlight: boolean } {
  const byState: Record<string, number> = {};
  for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
  const inFlight = IN_FLIGHT.some((s) => byState[s]);
  return { byState, inFlight };
}

export async function listBatches(db: DbOrTx, limit = 20) {
  return db
    .select({
      id: refundBatches.id,
      fileName: refundBatches.fileName,
      state: refundBatches.state,
      createdAt: refundBatches.createdAt,
      validRows: refundBatches.validRows,
      invalidRows: refundBatches.invalidRows,
      total: refundBatches.total,
      uploader: sql<string | null>`coalesce(${users.name}, ${users.email})`,
    })
    .from(refundBatches)
    .leftJoin(users, eq(users.id, refundBatches.createdBy))
    .orderBy(desc(refundBatches.id))
    .limit(limit);
}

/** Earlier batches of the very same file (by SHA-256), so a second upload of one file is noticed. */
export async function sameFileBatches(db: DbOrTx, batch: Pick<RefundBatchRow, 'id' | 'fileSha256'>) {
  return db
    .select({ id: refundBatches.id, state: refundBatches.state })
    .from(refundBatches)
    .where(and(eq(refundBatches.fileSha256, batch.fileSha256), sql`${refundBatches.id} <> ${batch.id}`, sql`${refundBatches.state} NOT IN ('rejected', 'expired')`))
    .orderBy(asc(refundBatches.id));
}

export const RESULT_HEADER = ['row', 'transaction_id', 'amount', 'verdict', 'message', 'refund_id', 'state', 'provider_refund_id', 'arn'] as const;

/** The result file: one line per uploaded row, with what became of it; every cell formula-safe (csvRow). */
export function batchResultCsv(batch: Pick<RefundBatchRow, 'rows'>, current: Map<number, RefundRow>): string {
  let out = '\uFEFF' + csvRow([...RESULT_HEADER]);
  for (const r of batchRows(batch)) {
    const refund = r.refundId ? current.get(r.refundId) : undefined;
    out += csvRow([
      r.row,
      r.transactionId,
      r.amount ?? r.amountText,
      r.verdict,
      r.outcomeMessage ?? r.message,
      refund?.id ?? null,
      refund?.state ?? null,
      refund?.providerRefundId ?? null,
      refund?.arn ?? null,
    ]);
  }
  return out;
}
