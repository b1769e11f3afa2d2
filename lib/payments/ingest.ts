import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { deliveries, type DeliveryAuth } from '@/db/schema';
import type { PaymentClaim } from './claim';
import type { Effect } from './status';

/** How a request reached a webhook, redacted: what `deliveries` records about it. */
export interface DeliveryMeta {
  provider: string;
  sourceIp: string | null;
  userAgent: string | null;
  auth: DeliveryAuth;
  bodySha256: string | null;
  bodyBytes: number | null;
  body: string | null;
  bodyTruncated: boolean;
  flags: string[];
}

export interface IngestResult {
  deliveryId: number;
  eventId: number;
  outcome: 'accepted' | 'duplicate';
  /** What the event did to its transaction; null for a duplicate, which changes nothing. */
  effect: Effect | null;
}

// Descriptive columns: the winning claim's non-null values replace the current ones; a claim
// that does not win only fills gaps.
const DESCRIPTIVE = [
  'unique_transaction_id', 'order_id', 'bank_transaction_id', 'transaction_status', 'order_status',
  'txn_message', 'payment_mode', 'currency', 'card_scheme', 'card_last4', 'bank_code', 'bank_name',
  'cardholder_name', 'payment_token_sha256', 'mdr', 'mdr_gst',
] as const;
// Money the customer paid never changes silently: the first value stays; a different later
// value is flagged `amount_changed` for a person.
const SETTLED_MONEY = ['amount', 'surcharge', 'surcharge_gst', 'final_amount', 'transaction_amount'] as const;
const NUMERIC = new Set<string>([...SETTLED_MONEY, 'mdr', 'mdr_gst']);

const col = (name: string) => sql.raw(`"${name}"`);
const list = (names: readonly string[]) => sql.join(names.map(col), sql`, `);

/**
 * Records one accepted notification in a single statement (one round trip, atomic):
 * 1. the event, deduplicated by payload hash — a repeat only bumps its duplicate count;
 * 2. the transaction, only for a new event: created, or moved by status precedence against
 *    the row as locked by ON CONFLICT, so concurrent deliveries cannot lose an update;
 * 3. the delivery, with its outcome and the effect the event had.
 * The event's foreign key to its transaction is checked at the end of the statement.
 */
export async function ingestClaim(db: DbOrTx, claim: PaymentClaim, delivery: DeliveryMeta): Promise<IngestResult> {
  const txnAt = claim.txnAt ? claim.txnAt.toISOString() : null;
  const flags = JSON.stringify([...new Set([...claim.flags, ...delivery.flags])].sort());
  const values: Record<string, unknown> = {
    unique_transaction_id: claim.uniqueTransactionId,
    order_id: claim.orderId,
    bank_transaction_id: claim.bankTransactionId,
    transaction_status: claim.transactionStatus,
    order_status: claim.orderStatus,
    txn_message: claim.txnMessage,
    payment_mode: claim.paymentMode,
    currency: claim.currency,
    card_scheme: claim.cardScheme,
    card_last4: claim.cardLast4,
    bank_code: claim.bankCode,
    bank_name: claim.bankName,
    cardholder_name: claim.cardholderName,
    payment_token_sha256: claim.paymentTokenSha256,
    mdr: claim.mdr,
    mdr_gst: claim.mdrGst,
    amount: claim.amount,
    surcharge: claim.surcharge,
    surcharge_gst: claim.surchargeGst,
    final_amount: claim.finalAmount,
    transaction_amount: claim.transactionAmount,
  };
  const dataColumns = [...DESCRIPTIVE, ...SETTLED_MONEY];
  const dataValues = sql.join(
    dataColumns.map((c) => (NUMERIC.has(c) ? sql`${values[c]}::numeric` : sql`${values[c]}`)),
    sql`, `,
  );

  const effect = sql`CASE
    WHEN excluded.status = t.status THEN 'refreshed'
    WHEN excluded.status_rank > t.status_rank AND (t.status_family = 'open' OR excluded.status_family = t.status_family) THEN 'applied'
    WHEN t.status_family <> 'open' AND excluded.status_family <> 'open' AND excluded.status_family <> t.status_family THEN 'conflict'
    ELSE 'stale' END`;
  const pick = (winner: SQL, other: SQL) => sql`CASE WHEN d.wins THEN ${winner} ELSE ${other} END`;
  const setColumns = [
    'status', 'status_rank', 'status_family', ...DESCRIPTIVE, ...SETTLED_MONEY,
    'txn_at', 'last_effect', 'flags', 'event_count', 'updated_at',
  ];
  const setValues = sql.join(
    [
      ...['status', 'status_rank', 'status_family'].map((c) => pick(sql`excluded.${col(c)}`, sql`t.${col(c)}`)),
      ...DESCRIPTIVE.map((c) => pick(sql`COALESCE(excluded.${col(c)}, t.${col(c)})`, sql`COALESCE(t.${col(c)}, excluded.${col(c)})`)),
      ...SETTLED_MONEY.map((c) => sql`COALESCE(t.${col(c)}, excluded.${col(c)})`),
      // Only a valid provider time may move txn_at; the insert fell back to the receipt time.
      sql`CASE WHEN d.wins AND ${txnAt}::timestamptz IS NOT NULL THEN excluded.txn_at ELSE t.txn_at END`,
      sql`d.effect`,
      sql`ARRAY(SELECT DISTINCT f FROM unnest(t.flags || excluded.flags
            || CASE WHEN d.effect = 'conflict' THEN ARRAY['status_conflict'] ELSE ARRAY[]::text[] END
            || CASE WHEN t.amount <> excluded.amount OR t.final_amount <> excluded.final_amount
                    THEN ARRAY['amount_changed'] ELSE ARRAY[]::text[] END) AS f ORDER BY f)`,
      sql`t.event_count + 1`,
      sql`now()`,
    ],
    sql`, `,
  );

  const [row] = await queryRows<{ delivery_id: string; event_id: string; outcome: 'accepted' | 'duplicate'; effect: Effect | null }>(db, sql`
    WITH ev AS (
      INSERT INTO payment_events (provider, transaction_id, payload_sha256, status, txn_at, flags, payload)
      VALUES (${claim.provider}, ${claim.transactionId}, ${claim.payloadSha256}, ${claim.status}, ${txnAt}::timestamptz,
              ARRAY(SELECT jsonb_array_elements_text(${flags}::jsonb)), ${JSON.stringify(claim.payload)}::jsonb)
      ON CONFLICT (provider, transaction_id, payload_sha256) DO UPDATE
        SET duplicate_count = payment_events.duplicate_count + 1, last_duplicate_at = now()
      RETURNING id, (xmax = 0) AS inserted
    ), txn AS (
      INSERT INTO transactions AS t (provider, transaction_id, status, status_rank, status_family, ${list(dataColumns)}, txn_at, flags)
      SELECT ${claim.provider}, ${claim.transactionId}, ${claim.status}, ${claim.statusRank}, ${claim.statusFamily}, ${dataValues},
             COALESCE(${txnAt}::timestamptz, now()), ARRAY(SELECT jsonb_array_elements_text(${flags}::jsonb))
      FROM ev WHERE ev.inserted
      ON CONFLICT (provider, transaction_id) DO UPDATE SET (${list(setColumns)}) = (
        SELECT ${setValues}
        FROM (SELECT e.effect, e.effect IN ('applied', 'refreshed') AS wins FROM (SELECT ${effect} AS effect) e) d
      )
      RETURNING last_effect
    ), del AS (
      INSERT INTO deliveries (provider, source_ip, user_agent, auth, outcome, http_status, effect, body_sha256, body_bytes,
                              body, body_truncated, transaction_id, event_id, flags)
      SELECT ${delivery.provider}, ${delivery.sourceIp}, ${delivery.userAgent}, ${delivery.auth},
             CASE WHEN ev.inserted THEN 'accepted' ELSE 'duplicate' END, 200, (SELECT last_effect FROM txn),
             ${delivery.bodySha256}, ${delivery.bodyBytes}, ${delivery.body}, ${delivery.bodyTruncated},
             ${claim.transactionId}, ev.id, ARRAY(SELECT jsonb_array_elements_text(${flags}::jsonb))
      FROM ev
      RETURNING id, outcome, effect, event_id
    )
    SELECT id AS delivery_id, event_id, outcome, effect FROM del`);
  return {
    deliveryId: Number(row.delivery_id),
    eventId: Number(row.event_id),
    outcome: row.outcome,
    effect: row.effect,
  };
}

/** Records a refused request (400, 401, 405, 413) with its reason. */
export async function recordRejectedDelivery(
  db: DbOrTx,
  delivery: DeliveryMeta & { httpStatus: number; reason: string; transactionId?: string | null },
): Promise<number> {
  const [row] = await db
    .insert(deliveries)
    .values({ ...delivery, outcome: 'rejected' })
    .returning({ id: deliveries.id });
  return row.id;
}
