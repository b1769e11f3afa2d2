import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { settlementPayouts } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { canonicalJson } from '@/lib/json';
import { isProviderError, type Providers, type SettlementPayoutReply } from '@/lib/providers';
import { toIsoIst } from '@/lib/time';
import { lineVerdicts, reconcileSettlements, type ReconcileResult, type ReconcileSettings } from './reconcile';

/** Search page size: Enkash allows up to 5000; payouts are small without their lines. */
const PAGE = 500;
const PROVIDER = 'enkash';

export interface SyncResult {
  /** Payouts the provider listed in the period. */
  payouts: number;
  created: number;
  changed: number;
  unchanged: number;
  lines: number;
  reconcile: ReconcileResult;
}

/**
 * Fetches Enkash's settlement payouts paid since `since` (Search, newest first, then Get for each
 * one's lines), stores the new and changed ones, and reconciles the period. Idempotent: a payout
 * is rewritten only when what Enkash says about it changed (its canonical JSON's hash), and a
 * reconciliation that finds nothing new changes nothing, so a re-sync writes no row at all.
 */
export async function syncSettlements(
  db: Db,
  providers: Pick<Providers, 'enkash'>,
  params: { since: Date; now?: Date; actor: string; settings: ReconcileSettings },
): Promise<SyncResult> {
  const now = params.now ?? new Date();
  const listed: SettlementPayoutReply[] = [];
  // Search has no date filter (DESIGN.md): walk it newest first and stop past `since`.
  for (let offset = 0; ; offset += PAGE) {
    const page = await providers.enkash.searchSettlementPayouts({ offset, limit: PAGE, orderBy: 'payoutDate', direction: 'DESC' });
    const inPeriod = page.payouts.filter((p) => !p.payoutAt || p.payoutAt >= params.since);
    listed.push(...inPeriod);
    const older = page.payouts.some((p) => p.payoutAt && p.payoutAt < params.since);
    if (older || page.payouts.length < PAGE) break;
  }
  const result = { payouts: listed.length, created: 0, changed: 0, unchanged: 0, lines: 0 };
  for (const summary of listed) {
    let payout: SettlementPayoutReply;
    try {
      payout = await providers.enkash.getSettlementPayout(summary.settlementPayoutId);
    } catch (err) {
      // Listed by Search but unknown to Get: keep what Search said, without lines, and carry on.
      if (!isProviderError(err) || err.code !== 'not_found') throw err;
      payout = summary;
    }
    const outcome = await storePayout(db, payout, params.actor, params.settings);
    result[outcome]++;
    result.lines += payout.lines.length;
  }
  const reconcile = await reconcileSettlements(db, { since: params.since, now, actor: params.actor, settings: params.settings });
  return { ...result, reconcile };
}

/** The hash a stored payout is compared by: everything Enkash said, lines included, in canonical form. */
export function payoutHash(p: SettlementPayoutReply): string {
  const { lines, payoutAt, ...rest } = p;
  const hash = createHash('sha256').update(canonicalJson({ ...rest, payoutAt: payoutAt?.toISOString() ?? null }));
  // Lines in the provider's order, their fields in a fixed order (the reply's shape is fixed by
  // zod): the same text for the same lines, without sorting the keys of 100,000 objects.
  for (const l of lines) {
    hash.update(JSON.stringify([l.settlementTransactionId, l.transactionType, l.settlementStatus, l.saleAmount, l.txnAmount, l.taxAmount, l.charges,
      l.settlementAmount, l.acquirerGstAmount, l.merchantMdrMode, l.merchantMdr, l.netProfit, l.profitGst]));
  }
  return hash.digest('hex');
}

async function storePayout(db: Db, p: SettlementPayoutReply, actor: string, settings: ReconcileSettings): Promise<'created' | 'changed' | 'unchanged'> {
  const hash = payoutHash(p);
  return db.transaction(async (tx) => {
    const [before] = await tx
      .select({ id: settlementPayouts.id, hash: settlementPayouts.payloadSha256 })
      .from(settlementPayouts)
      .where(and(eq(settlementPayouts.provider, PROVIDER), eq(settlementPayouts.payoutId, p.settlementPayoutId)))
      .for('update');
    if (before?.hash === hash) return 'unchanged';
    const values = {
      provider: PROVIDER,
      payoutId: p.settlementPayoutId,
      payoutStatus: p.payoutStatus,
      payoutMode: p.payoutMode,
      utr: p.utr,
      payoutAt: p.payoutAt,
      payoutDay: p.payoutAt ? toIsoIst(p.payoutAt).slice(0, 10) : null,
      transferId: p.transferId,
      transferResponseReason: p.transferResponseReason,
      totalSaleAmount: p.totalSaleAmount,
      totalRefundAmount: p.totalRefundAmount,
      totalCharges: p.totalCharges,
      totalGst: p.totalGst,
      totalSettlementAmount: p.totalSettlementAmount,
      refundChargebackAmount: p.refundChargebackAmount,
      carryForwardAmount: p.carryForwardAmount,
      adjustmentAmount: p.adjustmentAmount,
      lineCount: p.lines.length,
      payloadSha256: hash,
      changedAt: new Date(),
    };
    const [row] = before
      ? await tx.update(settlementPayouts).set(values).where(eq(settlementPayouts.id, before.id)).returning({ id: settlementPayouts.id })
      : await tx.insert(settlementPayouts).values(values).returning({ id: settlementPayouts.id });
    // The lines are replaced as a whole: a payout Enkash re-issued may have gained, lost or
    // reordered lines. Exceptions name a line by its payout and payment, not by this row id.
    await tx.execute(sql`DELETE FROM settlement_lines WHERE payout_row_id = ${row.id}`);
    for (let i = 0; i < p.lines.length; i += 5000) {
      const chunk = p.lines.slice(i, i + 5000).map((l, j) => ({ ...l, lineNo: i + j + 1 }));
      // One statement per 5,000 lines, the money passed as its exact text inside the JSON, each line
      // written once with its verdict (reconciliation then rewrites only what changed).
      const paidAt = (p.payoutAt ?? new Date()).toISOString();
      await queryRows(
        tx,
        sql`WITH x AS (
              SELECT * FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS x(
                "lineNo" int, "settlementTransactionId" text, "transactionType" text, "settlementStatus" text, "saleAmount" numeric,
                "txnAmount" numeric, "taxAmount" numeric, "charges" numeric, "settlementAmount" numeric, "acquirerGstAmount" numeric,
                "merchantMdrMode" text, "merchantMdr" numeric, "netProfit" numeric, "profitGst" numeric)
            ), source AS (
              SELECT x."lineNo"::bigint AS id, ${row.id}::bigint AS payout_row_id, x."lineNo" AS line_no, x."settlementTransactionId" AS settlement_transaction_id,
                     x."transactionType" AS transaction_type, x."saleAmount" AS sale_amount, x."charges" AS charges, x."taxAmount" AS tax_amount,
                     ${paidAt}::timestamptz AS paid_at
              FROM x
            ), ${lineVerdicts(settings.feeTolerance)}
            INSERT INTO settlement_lines (payout_row_id, line_no, settlement_transaction_id, transaction_type, settlement_status,
              sale_amount, txn_amount, tax_amount, charges, settlement_amount, acquirer_gst_amount, merchant_mdr_mode, merchant_mdr,
              net_profit, profit_gst, transaction_row_id, outcome, expected_charges, expected_tax)
            SELECT ${row.id}, x."lineNo", x."settlementTransactionId", x."transactionType", x."settlementStatus",
                   x."saleAmount", x."txnAmount", x."taxAmount", x."charges", x."settlementAmount", x."acquirerGstAmount",
                   x."merchantMdrMode", x."merchantMdr", x."netProfit", x."profitGst", v.txn_id, v.outcome, v.exp_charges, v.exp_tax
            FROM x JOIN verdict v ON v.id = x."lineNo"`,
      );
    }
    await recordAudit(tx, {
      actor,
      action: before ? 'settlements.payout_changed' : 'settlements.payout_stored',
      target: `payout:${PROVIDER}/${p.settlementPayoutId}`,
      outcome: 'ok',
      details: { lines: p.lines.length, utr: p.utr, totalSettlementAmount: p.totalSettlementAmount, payoutStatus: p.payoutStatus },
    });
    return before ? 'changed' : 'created';
  });
}
