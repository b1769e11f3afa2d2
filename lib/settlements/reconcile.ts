import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';

/**
 * THE matching rule, and the only place it is written: a settlement line names its payment by
 * `settlementTransactionId` = the payment's Enkash `transactionId`. This is PayOps' working
 * assumption (DESIGN.md: Enkash does not document it, and it is not confirmed against a live
 * account); a line it does not match is shown as "settled but unknown to PayOps", never guessed.
 */
export function lineMatchesPayment(line: string, payment: string): SQL {
  return sql.raw(`(${payment}.provider = 'enkash' AND ${payment}.transaction_id = ${line}.settlement_transaction_id)`);
}

/**
 * Each line's verdict, as CTEs after a `source` CTE of lines (id, payout_row_id, line_no,
 * settlement_transaction_id, transaction_type, sale_amount, charges, tax_amount, paid_at): the
 * payment lineMatchesPayment finds, the contracted charges and GST (the rate in force on the
 * payment's IST day, the most specific first), and the outcome — unknown_payment, settled_twice (a
 * sale line of the same payment in an earlier payout or earlier in this one), amount_differs (exact),
 * excess_fee (above the contract by more than the tolerance) or matched. Used when a payout's lines
 * are stored (so a new payout is written once) and by reconciliation (which rewrites only what changed).
 */
export function lineVerdicts(tolerance: string): SQL {
  return sql`ranked AS (
        -- Sale lines of the same payment earlier in the same payout (a window, not a scan per line).
        SELECT s.*, count(*) FILTER (WHERE s.transaction_type = 'SALE') OVER (
                 PARTITION BY s.payout_row_id, s.settlement_transaction_id ORDER BY s.line_no ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_here
        FROM source s
      ), judged AS (
        SELECT s.id, t.id AS txn_id,
               CASE WHEN s.transaction_type = 'SALE' AND t.id IS NOT NULL AND rate.percent IS NOT NULL
                    THEN round(s.sale_amount * rate.percent / 100 + rate.fixed_fee, 2) END AS exp_charges,
               CASE
                 WHEN t.id IS NULL THEN 'unknown_payment'
                 WHEN s.transaction_type IS DISTINCT FROM 'SALE' THEN 'matched'
                 WHEN EXISTS (SELECT 1 FROM settlement_lines e JOIN settlement_payouts ep ON ep.id = e.payout_row_id
                               WHERE e.settlement_transaction_id = s.settlement_transaction_id AND e.transaction_type = 'SALE'
                                 AND (coalesce(ep.payout_at, ep.first_synced_at), e.payout_row_id, e.line_no) < (s.paid_at, s.payout_row_id, s.line_no))
                      OR s.earlier_here > 0 THEN 'settled_twice'
                 WHEN s.sale_amount IS DISTINCT FROM coalesce(t.final_amount, t.amount) THEN 'amount_differs'
                 ELSE 'matched' END AS outcome,
               s.charges, s.tax_amount
        FROM ranked s
        LEFT JOIN transactions t ON ${lineMatchesPayment('s', 't')}
        LEFT JOIN LATERAL (
          SELECT r.percent, r.fixed_fee FROM mdr_rates r
          WHERE r.payment_mode = t.payment_mode
            AND (r.card_scheme = '' OR r.card_scheme = upper(coalesce(t.card_scheme, '')))
            AND r.min_amount <= s.sale_amount AND (r.max_amount IS NULL OR s.sale_amount < r.max_amount)
            AND r.effective_from <= ${IST_DAY('t.txn_at')} AND (r.effective_to IS NULL OR ${IST_DAY('t.txn_at')} < r.effective_to)
          ORDER BY (r.card_scheme <> '') DESC, r.effective_from DESC, r.id DESC
          LIMIT 1
        ) rate ON true
      ), verdict AS (
        SELECT j.id, j.txn_id, j.exp_charges, round(j.exp_charges * ${sql.raw(GST_PERCENT)} / 100, 2) AS exp_tax,
               CASE WHEN j.outcome = 'matched' AND j.exp_charges IS NOT NULL
                         AND coalesce(j.charges, 0) + coalesce(j.tax_amount, 0) - (j.exp_charges + round(j.exp_charges * ${sql.raw(GST_PERCENT)} / 100, 2)) > ${sql.raw(sqlMoney(tolerance))}
                    THEN 'excess_fee' ELSE j.outcome END AS outcome
        FROM judged j
      )`;
}

export interface ReconcileSettings {
  /** Days after a payment before "not settled" (per payment mode, else the default). */
  dueDays: { default: number; modes: Record<string, number> };
  /** Rupees of charges + GST above the contract that are tolerated (rounding). */
  feeTolerance: string;
}

export interface ReconcileResult {
  lines: number;
  outcomes: Record<string, number>;
  opened: number;
  reopened: number;
  refreshed: number;
  cleared: number;
}

// Exceptions about a line of a payout, and about a payment.
const LINE_KINDS = ['amount_differs', 'unknown_payment', 'settled_twice', 'excess_fee'];
const PAYMENT_KINDS = ['not_settled', 'refund_not_netted'];
const GST_PERCENT = '18';
const IST_DAY = (col: string) => sql.raw(`(${col} AT TIME ZONE 'Asia/Kolkata')::date`);
const rupees = (expr: string) => `'₹' || to_char(${expr}, 'FM999999999999990.00')`;

/**
 * Reconciles the payouts paid since `since` and the Enkash payments made since then, in one
 * transaction (one at a time: an advisory lock), set by set in SQL so 30 days of a busy merchant
 * take seconds:
 * 1. each line of those payouts is matched (lineMatchesPayment) and given its outcome — matched,
 *    unknown_payment, settled_twice (a later line for a payment already settled), amount_differs
 *    (sale amount ≠ the payment's final amount, exact) or excess_fee (charges + GST above the
 *    contracted MDR, lib/settlements/fees.ts, by more than the tolerance);
 * 2. refunds the payouts netted are written to the payments (`refunded_amount`), so the totals
 *    count them;
 * 3. the payments are checked: not_settled (successful, no sale line, and either past its due
 *    days or left out of the payout that settled the other payments of its day and mode) and
 *    refund_not_netted (refunded, settled, no refund line);
 * 4. what was found is applied to the exceptions' life (lib/settlements/exceptions.ts).
 * Nothing found that was not known already: nothing is written.
 */
export async function reconcileSettlements(
  db: Db,
  params: { since: Date; now: Date; actor: string; settings: ReconcileSettings },
): Promise<ReconcileResult> {
  const since = params.since.toISOString();
  const now = params.now.toISOString();
  const due = JSON.stringify(params.settings.dueDays.modes);
  const dueDefault = params.settings.dueDays.default;
  const tolerance = params.settings.feeTolerance;
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('payops.settlements.reconcile'))`);
    await tx.execute(sql`CREATE TEMP TABLE IF NOT EXISTS settlement_window (id bigint PRIMARY KEY) ON COMMIT DELETE ROWS`);
    await tx.execute(sql`INSERT INTO settlement_window SELECT id FROM settlement_payouts
      WHERE provider = 'enkash' AND coalesce(payout_at, first_synced_at) >= ${since}::timestamptz`);

    // 1. Match and judge every line of the period's payouts.
    await tx.execute(sql`
      WITH source AS (
        SELECT l.id, l.payout_row_id, l.line_no, l.settlement_transaction_id, l.transaction_type, l.sale_amount, l.charges, l.tax_amount,
               coalesce(p.payout_at, p.first_synced_at) AS paid_at
        FROM settlement_window w JOIN settlement_payouts p ON p.id = w.id JOIN settlement_lines l ON l.payout_row_id = w.id
      ), ${lineVerdicts(tolerance)}
      UPDATE settlement_lines l
         SET transaction_row_id = f.txn_id, outcome = f.outcome, expected_charges = f.exp_charges, expected_tax = f.exp_tax
        FROM verdict f
       WHERE l.id = f.id
         AND (l.transaction_row_id IS DISTINCT FROM f.txn_id OR l.outcome IS DISTINCT FROM f.outcome
              OR l.expected_charges IS DISTINCT FROM f.exp_charges OR l.expected_tax IS DISTINCT FROM f.exp_tax)`);

    // 2. Refunds netted by a payout are money given back: the payment says so (the totals count it).
    await tx.execute(sql`
      UPDATE transactions t SET refunded_amount = r.total, updated_at = now()
        FROM (SELECT l.transaction_row_id AS id, sum(abs(coalesce(l.sale_amount, l.txn_amount, 0))) AS total
                FROM settlement_lines l
               WHERE l.transaction_type = 'REFUND' AND l.transaction_row_id IN (
                       SELECT l2.transaction_row_id FROM settlement_lines l2 JOIN settlement_window w ON w.id = l2.payout_row_id
                        WHERE l2.transaction_type = 'REFUND')
               GROUP BY 1) r
       WHERE t.id = r.id AND r.total > coalesce(t.refunded_amount, 0)`);

    // 3. What is wrong now, lines and payments alike.
    await tx.execute(sql`CREATE TEMP TABLE IF NOT EXISTS settlement_detected (
      kind text, subject_key text, transaction_row_id bigint, payout_row_id bigint, line_id bigint, settlement_transaction_id text,
      expected numeric, actual numeric, difference numeric, summary text) ON COMMIT DELETE ROWS`);
    await tx.execute(sql.raw(`
      INSERT INTO settlement_detected
      SELECT CASE WHEN l.outcome = 'amount_differs' THEN 'amount_differs' ELSE l.outcome END,
             'line:' || p.provider || '/' || p.payout_id || '/' || l.settlement_transaction_id || '/' || coalesce(l.transaction_type, '') || '/'
               || row_number() OVER (PARTITION BY l.payout_row_id, l.settlement_transaction_id, l.transaction_type ORDER BY l.line_no),
             l.transaction_row_id, l.payout_row_id, l.id, l.settlement_transaction_id,
             CASE l.outcome WHEN 'amount_differs' THEN coalesce(t.final_amount, t.amount)
                            WHEN 'excess_fee' THEN l.expected_charges + l.expected_tax END,
             CASE l.outcome WHEN 'excess_fee' THEN coalesce(l.charges, 0) + coalesce(l.tax_amount, 0) ELSE l.sale_amount END,
             CASE l.outcome WHEN 'amount_differs' THEN l.sale_amount - coalesce(t.final_amount, t.amount)
                            WHEN 'excess_fee' THEN coalesce(l.charges, 0) + coalesce(l.tax_amount, 0) - l.expected_charges - l.expected_tax END,
             CASE l.outcome
               WHEN 'unknown_payment' THEN 'Payout ' || p.payout_id || ' settles ' || ${rupees('l.sale_amount')} || ' for ' || l.settlement_transaction_id || ', a payment PayOps never saw'
               WHEN 'settled_twice' THEN 'Payout ' || p.payout_id || ' settles ' || l.settlement_transaction_id || ' again: it was settled before'
               WHEN 'amount_differs' THEN 'Payout ' || p.payout_id || ' settles ' || ${rupees('l.sale_amount')} || ' for a payment of ' || ${rupees('coalesce(t.final_amount, t.amount)')}
               WHEN 'excess_fee' THEN 'Charges + GST ' || ${rupees('coalesce(l.charges, 0) + coalesce(l.tax_amount, 0)')} || ' against ' || ${rupees('l.expected_charges + l.expected_tax')} || ' contracted'
             END
      FROM settlement_window w
      JOIN settlement_payouts p ON p.id = w.id
      JOIN settlement_lines l ON l.payout_row_id = w.id
      LEFT JOIN transactions t ON t.id = l.transaction_row_id
      WHERE l.outcome IN ('amount_differs', 'unknown_payment', 'settled_twice', 'excess_fee')`));
    // A payment short by paise may also be overcharged: both are exceptions of their own.
    await tx.execute(sql.raw(`
      INSERT INTO settlement_detected
      SELECT 'excess_fee', 'line:' || p.provider || '/' || p.payout_id || '/' || l.settlement_transaction_id || '/SALE/1',
             l.transaction_row_id, l.payout_row_id, l.id, l.settlement_transaction_id,
             l.expected_charges + l.expected_tax, coalesce(l.charges, 0) + coalesce(l.tax_amount, 0),
             coalesce(l.charges, 0) + coalesce(l.tax_amount, 0) - l.expected_charges - l.expected_tax,
             'Charges + GST ' || ${rupees('coalesce(l.charges, 0) + coalesce(l.tax_amount, 0)')} || ' against ' || ${rupees('l.expected_charges + l.expected_tax')} || ' contracted'
      FROM settlement_window w
      JOIN settlement_payouts p ON p.id = w.id
      JOIN settlement_lines l ON l.payout_row_id = w.id
      WHERE l.outcome = 'amount_differs' AND l.expected_charges IS NOT NULL
        AND coalesce(l.charges, 0) + coalesce(l.tax_amount, 0) - (l.expected_charges + l.expected_tax) > ${sqlMoney(tolerance)}`));
    await tx.execute(sql`
      WITH pay AS (
        SELECT t.id, t.transaction_id, t.payment_mode, t.status, t.final_amount, t.amount, t.refunded_amount, t.txn_at,
               ${IST_DAY('t.txn_at')} AS day
        FROM transactions t
        WHERE t.provider = 'enkash' AND t.status_family = 'success' AND t.txn_at >= ${since}::timestamptz AND t.txn_at <= ${now}::timestamptz
      ), sale AS (
        SELECT DISTINCT l.transaction_row_id AS id FROM settlement_lines l JOIN pay ON pay.id = l.transaction_row_id WHERE l.transaction_type = 'SALE'
      ), refund AS (
        SELECT DISTINCT l.transaction_row_id AS id FROM settlement_lines l JOIN pay ON pay.id = l.transaction_row_id WHERE l.transaction_type = 'REFUND'
      ), cohort AS (
        -- The payout that settled other payments of the same IST day and mode.
        SELECT pay.day, pay.payment_mode, min(l.payout_row_id) AS payout_row_id
        FROM settlement_lines l JOIN pay ON pay.id = l.transaction_row_id
        WHERE l.transaction_type = 'SALE' GROUP BY 1, 2
      )
      INSERT INTO settlement_detected
      SELECT 'not_settled', 'payment:' || pay.id, pay.id, c.payout_row_id, NULL::bigint, pay.transaction_id,
             coalesce(pay.final_amount, pay.amount), 0, -coalesce(pay.final_amount, pay.amount),
             CASE WHEN c.payout_row_id IS NOT NULL
                  THEN 'Left out of payout ' || (SELECT payout_id FROM settlement_payouts WHERE id = c.payout_row_id) || ', which settled other payments of its day and mode'
                  ELSE 'Not in any payout ' || coalesce((${due}::jsonb ->> pay.payment_mode)::int, ${dueDefault}::int) || ' days after the payment' END
      FROM pay
      LEFT JOIN cohort c ON c.day = pay.day AND c.payment_mode IS NOT DISTINCT FROM pay.payment_mode
      WHERE pay.id NOT IN (SELECT id FROM sale)
        AND (c.payout_row_id IS NOT NULL
             OR pay.txn_at <= ${now}::timestamptz - make_interval(days => coalesce((${due}::jsonb ->> pay.payment_mode)::int, ${dueDefault}::int)))
      UNION ALL
      SELECT 'refund_not_netted', 'payment:' || pay.id, pay.id, NULL::bigint, NULL::bigint, pay.transaction_id,
             coalesce(pay.refunded_amount, CASE WHEN pay.status = 'REFUNDED' THEN coalesce(pay.final_amount, pay.amount) END), 0,
             -coalesce(pay.refunded_amount, CASE WHEN pay.status = 'REFUNDED' THEN coalesce(pay.final_amount, pay.amount) END),
             'Refunded, settled, and no payout has taken the refund off'
      FROM pay
      WHERE (pay.status IN ('REFUNDED', 'PARTIALLY_REFUNDED') OR pay.refunded_amount > 0)
        AND pay.id IN (SELECT id FROM sale) AND pay.id NOT IN (SELECT id FROM refund)`);

    const transitions = await applyDetected(tx, { since, lineKinds: LINE_KINDS, paymentKinds: PAYMENT_KINDS, actor: params.actor });
    const outcomes = await queryRows<{ outcome: string; n: number }>(
      tx,
      sql`SELECT l.outcome, count(*)::int AS n FROM settlement_lines l JOIN settlement_window w ON w.id = l.payout_row_id GROUP BY 1`,
    );
    const result: ReconcileResult = {
      lines: outcomes.reduce((s, o) => s + o.n, 0),
      outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
      ...transitions,
    };
    if (transitions.opened + transitions.reopened + transitions.cleared + transitions.refreshed > 0) {
      await recordAudit(tx, {
        actor: params.actor,
        action: 'settlements.reconciled',
        target: 'settlements',
        outcome: 'ok',
        details: { since, ...transitions, ids: transitions.ids.slice(0, 200) },
      });
    }
    const { ids: _ids, ...counts } = transitions;
    return { ...result, ...counts };
  });
}

const sqlMoney = (v: string) => {
  if (!/^\d{1,14}(\.\d{1,4})?$/.test(v)) throw new RangeError('not an amount');
  return `${v}::numeric`;
};

/**
 * The exceptions' life, applied to what reconciliation found (settlement_detected):
 * - found and new: opened;
 * - found and open: its facts refreshed when they changed;
 * - found and resolved: reopened when contradicted — it had been cleared by reconciliation, or a
 *   person resolved it at another difference than the one found now;
 * - open, in the period and no longer found (the late payout came, the payout was corrected):
 *   resolved as `cleared` by the system.
 */
async function applyDetected(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  p: { since: string; lineKinds: string[]; paymentKinds: string[]; actor: string },
) {
  const opened = await queryRows<{ id: number }>(tx, sql`
    INSERT INTO settlement_exceptions (kind, subject_key, transaction_row_id, payout_row_id, line_id, settlement_transaction_id,
                                       expected, actual, difference, summary)
    SELECT DISTINCT ON (d.kind, d.subject_key) d.kind, d.subject_key, d.transaction_row_id, d.payout_row_id, d.line_id, d.settlement_transaction_id,
           d.expected, d.actual, d.difference, d.summary
    FROM settlement_detected d
    ORDER BY d.kind, d.subject_key
    ON CONFLICT (kind, subject_key) DO NOTHING
    RETURNING id`);
  const reopened = await queryRows<{ id: number }>(tx, sql`
    UPDATE settlement_exceptions e
       SET state = 'open', reopened_count = e.reopened_count + 1, resolution = NULL, resolved_at = NULL, resolved_by = NULL,
           resolved_difference = NULL, expected = d.expected, actual = d.actual, difference = d.difference, summary = d.summary,
           line_id = d.line_id, payout_row_id = d.payout_row_id, transaction_row_id = d.transaction_row_id, last_seen_at = now()
      FROM settlement_detected d
     WHERE e.kind = d.kind AND e.subject_key = d.subject_key AND e.state = 'resolved'
       AND (e.resolution = 'cleared' OR e.resolved_difference IS DISTINCT FROM d.difference)
    RETURNING e.id`);
  const refreshed = await queryRows<{ id: number }>(tx, sql`
    UPDATE settlement_exceptions e
       SET expected = d.expected, actual = d.actual, difference = d.difference, summary = d.summary,
           line_id = d.line_id, payout_row_id = d.payout_row_id, transaction_row_id = d.transaction_row_id, last_seen_at = now()
      FROM settlement_detected d
     WHERE e.kind = d.kind AND e.subject_key = d.subject_key AND e.state = 'open'
       AND e.id NOT IN (SELECT unnest(${`{${reopened.map((r) => r.id).join(',')}}`}::bigint[]))
       AND (e.expected IS DISTINCT FROM d.expected OR e.actual IS DISTINCT FROM d.actual OR e.difference IS DISTINCT FROM d.difference
            OR e.summary IS DISTINCT FROM d.summary OR e.line_id IS DISTINCT FROM d.line_id OR e.payout_row_id IS DISTINCT FROM d.payout_row_id
            OR e.transaction_row_id IS DISTINCT FROM d.transaction_row_id)
    RETURNING e.id`);
  const lineKinds = `{${p.lineKinds.join(',')}}`;
  const paymentKinds = `{${p.paymentKinds.join(',')}}`;
  const cleared = await queryRows<{ id: number }>(tx, sql`
    UPDATE settlement_exceptions e
       SET state = 'resolved', resolution = 'cleared', resolved_at = now(), resolved_by = ${p.actor},
           note = 'No longer found by reconciliation.', resolved_difference = e.difference
     WHERE e.state = 'open'
       AND ((e.kind = ANY (${lineKinds}::text[]) AND e.payout_row_id IN (SELECT id FROM settlement_window))
            OR (e.kind = ANY (${paymentKinds}::text[]) AND e.transaction_row_id IN (
                  SELECT id FROM transactions WHERE provider = 'enkash' AND txn_at >= ${p.since}::timestamptz)))
       AND NOT EXISTS (SELECT 1 FROM settlement_detected d WHERE d.kind = e.kind AND d.subject_key = e.subject_key)
    RETURNING e.id`);
  return {
    opened: opened.length,
    reopened: reopened.length,
    refreshed: refreshed.length,
    cleared: cleared.length,
    ids: [...opened, ...reopened, ...cleared].map((r) => Number(r.id)),
  };
}
