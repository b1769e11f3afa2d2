import { runStatement, type Db, type DbOrTx } from '@/db/client';
import { deliveries, type DeliveryAuth } from '@/db/schema';
import { databaseDataError } from '@/lib/errors';
import { scrubbedOrNull, scrubbedText } from '@/lib/text';
import type { PaymentClaim } from './claim';
import type { Effect } from './status';

/** How much of a User-Agent a delivery row keeps. */
const USER_AGENT_CHARS = 256;

/** How a request reached a webhook: what `deliveries` records about it (headers as received; see keptHeaders). */
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
  /** transactions.id of the payment a new event touched; null for a duplicate. */
  transactionRowId: number | null;
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
const DATA_COLUMNS = [...DESCRIPTIVE, ...SETTLED_MONEY];

// Positional parameters of INGEST_SQL, in order. $1..$N below follow this list.
const PARAMS = [
  'provider', 'transaction_id', 'payload_sha256', 'status', 'status_rank', 'status_family', 'txn_at', 'flags', 'payload',
  'otp_refs', ...DATA_COLUMNS,
  'd_source_ip', 'd_user_agent', 'd_auth', 'd_body_sha256', 'd_body_bytes', 'd_body', 'd_body_truncated',
] as const;
const $ = (name: (typeof PARAMS)[number]) => `$${PARAMS.indexOf(name) + 1}`;

/**
 * One statement (one round trip, atomic), built once and run as a named prepared statement:
 * 1. the event, deduplicated by payload hash — a repeat only bumps its duplicate count;
 * 2. the transaction, only for a new event: created, or moved by status precedence against
 *    the row as locked by ON CONFLICT, so concurrent deliveries cannot lose an update;
 * 3. the delivery, with its outcome and the effect the event had.
 * The event's foreign key to its transaction is checked at the end of the statement.
 */
const INGEST_SQL = (() => {
  const flags = `ARRAY(SELECT jsonb_array_elements_text(${$('flags')}::jsonb))`;
  const value = (c: string) => `${$(c as (typeof PARAMS)[number])}${NUMERIC.has(c) ? '::numeric' : ''}`;
  const pick = (winner: string, other: string) => `CASE WHEN d.wins THEN ${winner} ELSE ${other} END`;
  const effect = `CASE
      WHEN excluded.status = t.status THEN 'refreshed'
      WHEN excluded.status_rank > t.status_rank AND (t.status_family = 'open' OR excluded.status_family = t.status_family) THEN 'applied'
      WHEN t.status_family <> 'open' AND excluded.status_family <> 'open' AND excluded.status_family <> t.status_family THEN 'conflict'
      ELSE 'stale' END`;
  const set: [string, string][] = [
    ...['status', 'status_rank', 'status_family'].map((c): [string, string] => [c, pick(`excluded.${c}`, `t.${c}`)]),
    ...DESCRIPTIVE.map((c): [string, string] => [c, pick(`COALESCE(excluded.${c}, t.${c})`, `COALESCE(t.${c}, excluded.${c})`)]),
    ...SETTLED_MONEY.map((c): [string, string] => [c, `COALESCE(t.${c}, excluded.${c})`]),
    // Only a valid provider time may move txn_at; the insert fell back to the receipt time.
    ['txn_at', `CASE WHEN d.wins AND ${$('txn_at')}::timestamptz IS NOT NULL THEN excluded.txn_at ELSE t.txn_at END`],
    ['last_effect', 'd.effect'],
    // OTP references: a winning event's values replace the current ones; one that does not win
    // (a late, stale event) only adds keys that are missing, so it never brings back an old
    // challenge_id. An event without them keeps the old ones either way.
    ['otp_refs', pick('t.otp_refs || excluded.otp_refs', 'excluded.otp_refs || t.otp_refs')],
    // "confirmed" is about the status the provider's status API saw; a new status needs a new check.
    ['verification', `CASE WHEN d.wins AND excluded.status <> t.status THEN 'unconfirmed' ELSE t.verification END`],
    ['flags', `ARRAY(SELECT DISTINCT f FROM unnest(t.flags || excluded.flags
        || CASE WHEN d.effect = 'conflict' THEN ARRAY['status_conflict'] ELSE ARRAY[]::text[] END
        || CASE WHEN t.amount <> excluded.amount OR t.final_amount <> excluded.final_amount
                THEN ARRAY['amount_changed'] ELSE ARRAY[]::text[] END) AS f ORDER BY f)`],
    ['event_count', 't.event_count + 1'],
    ['updated_at', 'now()'],
  ];
  return `
    WITH ev AS (
      INSERT INTO payment_events (provider, transaction_id, payload_sha256, status, txn_at, flags, payload)
      VALUES (${$('provider')}, ${$('transaction_id')}, ${$('payload_sha256')}, ${$('status')}, ${$('txn_at')}::timestamptz,
              ${flags}, ${$('payload')}::jsonb)
      ON CONFLICT (provider, transaction_id, payload_sha256) DO UPDATE
        SET duplicate_count = payment_events.duplicate_count + 1, last_duplicate_at = now()
      RETURNING id, (xmax = 0) AS inserted
    ), txn AS (
      INSERT INTO transactions AS t (provider, transaction_id, status, status_rank, status_family, ${DATA_COLUMNS.join(', ')}, txn_at, flags, otp_refs)
      SELECT ${$('provider')}, ${$('transaction_id')}, ${$('status')}, ${$('status_rank')}::smallint, ${$('status_family')},
             ${DATA_COLUMNS.map(value).join(', ')}, COALESCE(${$('txn_at')}::timestamptz, now()), ${flags}, ${$('otp_refs')}::jsonb
      FROM ev WHERE ev.inserted
      ON CONFLICT (provider, transaction_id) DO UPDATE SET (${set.map(([c]) => c).join(', ')}) = (
        SELECT ${set.map(([, v]) => v).join(',\n               ')}
        FROM (SELECT e.effect, e.effect IN ('applied', 'refreshed') AS wins FROM (SELECT ${effect} AS effect) e) d
      )
      RETURNING id, last_effect
    ), del AS (
      INSERT INTO deliveries (provider, source_ip, user_agent, auth, outcome, http_status, effect, body_sha256, body_bytes,
                              body, body_truncated, transaction_id, event_id, flags)
      SELECT ${$('provider')}, ${$('d_source_ip')}, ${$('d_user_agent')}, ${$('d_auth')},
             CASE WHEN ev.inserted THEN 'accepted' ELSE 'duplicate' END, 200, (SELECT last_effect FROM txn),
             ${$('d_body_sha256')}, ${$('d_body_bytes')}::integer, ${$('d_body')}, ${$('d_body_truncated')}::boolean,
             ${$('transaction_id')}, ev.id, ${flags}
      FROM ev
      RETURNING id, outcome, effect, event_id
    )
    SELECT id AS delivery_id, event_id, outcome, effect, (SELECT id FROM txn) AS transaction_row_id FROM del`;
})();

/**
 * Juspay knows an attempt by its txn_id and its txn_uuid, and the merchant's checkout may give the
 * OTP proxy either before any webhook arrives: the proxy then records the payment under the id it
 * was given (lib/otp/api.ts). When the first event names that id as its txn_uuid, the proxy's row
 * is renamed to the event's txn_id before the ingest, so the event lands on it — one payment, one
 * OTP budget and window — instead of beside it. Only a row no provider event has touched (so no
 * payment_events row references its id) is renamed, and only while the txn_id is still free.
 */
const ADOPT_ALIAS_SQL = `
  UPDATE transactions t SET transaction_id = $2, unique_transaction_id = $3, updated_at = now()
   WHERE t.provider = $1 AND t.transaction_id = $3
     AND NOT EXISTS (SELECT 1 FROM payment_events e WHERE e.provider = t.provider AND e.transaction_id = t.transaction_id)
     AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.provider = $1 AND x.transaction_id = $2)`;

async function adoptAlias(db: Db, claim: PaymentClaim): Promise<void> {
  const alias = claim.uniqueTransactionId;
  if (claim.provider !== 'juspay' || !alias || alias === claim.transactionId) return;
  try {
    await runStatement(db, { name: 'payops_adopt_alias', text: ADOPT_ALIAS_SQL, values: [claim.provider, claim.transactionId, alias] });
  } catch (err) {
    // The txn_id was recorded meanwhile by a concurrent delivery: the ingest below joins that row.
    if (databaseDataError(err)?.sqlstate !== '23505') throw err;
  }
}

export async function ingestClaim(db: Db, claim: PaymentClaim, delivery: DeliveryMeta): Promise<IngestResult> {
  await adoptAlias(db, claim);
  const kept = keptHeaders(delivery);
  const values: Record<(typeof PARAMS)[number], unknown> = {
    provider: claim.provider,
    transaction_id: claim.transactionId,
    payload_sha256: claim.payloadSha256,
    status: claim.status,
    status_rank: claim.statusRank,
    status_family: claim.statusFamily,
    txn_at: claim.txnAt ? claim.txnAt.toISOString() : null,
    flags: JSON.stringify([...new Set([...claim.flags, ...delivery.flags])].sort()),
    payload: JSON.stringify(claim.payload),
    otp_refs: JSON.stringify(claim.otpRefs),
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
    d_source_ip: kept.sourceIp,
    d_user_agent: kept.userAgent,
    d_auth: delivery.auth,
    d_body_sha256: delivery.bodySha256,
    d_body_bytes: delivery.bodyBytes,
    d_body: delivery.body,
    d_body_truncated: delivery.bodyTruncated,
  };
  const [row] = await runStatement<{
    delivery_id: string;
    event_id: string;
    outcome: 'accepted' | 'duplicate';
    effect: Effect | null;
    transaction_row_id: string | null;
  }>(
    db,
    { name: 'payops_ingest_claim', text: INGEST_SQL, values: PARAMS.map((p) => values[p]) },
  );
  return {
    deliveryId: Number(row.delivery_id),
    eventId: Number(row.event_id),
    outcome: row.outcome,
    effect: row.effect,
    transactionRowId: row.transaction_row_id === null ? null : Number(row.transaction_row_id),
  };
}

/**
 * The request headers a delivery row keeps are the caller's words (a User-Agent, an
 * X-Forwarded-For entry), so they are scrubbed like any other text PayOps stores; the User-Agent
 * is cut only after, so a cut cannot split a card number past the scrubber.
 */
function keptHeaders(d: Pick<DeliveryMeta, 'sourceIp' | 'userAgent'>) {
  return { sourceIp: scrubbedOrNull(d.sourceIp), userAgent: scrubbedOrNull(d.userAgent)?.slice(0, USER_AGENT_CHARS) ?? null };
}

/** Records a refused request (400, 401, 405, 413) with its reason. */
export async function recordRejectedDelivery(
  db: DbOrTx,
  delivery: DeliveryMeta & { httpStatus: number; reason: string; transactionId?: string | null },
): Promise<number> {
  const [row] = await db
    .insert(deliveries)
    .values({ ...delivery, ...keptHeaders(delivery), reason: scrubbedText(delivery.reason), outcome: 'rejected' })
    .returning({ id: deliveries.id });
  return row.id;
}
