import { z } from 'zod';
import { lastFour, scrubCardNumbersDeep } from '@/lib/cards';
import { parseMoney } from '@/lib/money';
import { redactSecrets } from '@/lib/secrets';
import { mapStrings, storableText, truncate } from '@/lib/text';
import { parseProviderTime } from '@/lib/time';
import { checkAmounts } from './amount-check';
import { sha256, type NormalizeResult, type PaymentClaim } from './claim';
import { JUSPAY_PAYMENT_MODES, juspayPaymentMode, juspayStatusInfo } from './status';

/**
 * A Juspay webhook: `{id: "evt_V2_…", event_name, date_created, content: {order}}`, the order as
 * Juspay's order status API returns it (../shared/DESIGN.md, "Provider facts"). Only the event id
 * and an order with some id are required; every other oddity is kept and flagged. Input comes from
 * parseJsonExact, so Juspay's amounts (JSON numbers in rupees) arrive as their exact source text.
 */
const juspayEventSchema = z.looseObject({
  id: z
    .string({ error: 'id (the event id) is required and must be a string' })
    .trim()
    .min(1, 'id (the event id) must not be empty')
    .max(128, 'id (the event id) must be at most 128 characters'),
  content: z.looseObject({ order: z.looseObject({}, { error: 'content.order must be an object' }) }, { error: 'content.order is required' }),
});

/**
 * Saved-card references are secrets like Enkash's paymentToken, and a security code (CVV) is
 * never kept at all (PCI DSS 3.2): redacted wherever they appear.
 */
export const JUSPAY_SECRET_KEYS = ['card_reference', 'card_token', 'card_security_code'] as const;
const TEXT_MAX = 512;
const ID_MAX = 128;
/** The order's ids that name the payment (or an alias of it): refused when longer than ID_MAX. */
const ID_FIELDS = ['txn_id', 'txn_detail.txn_id', 'txn_uuid', 'txn_detail.txn_uuid', 'order_id', 'id'] as const;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const at = (root: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, key) => (isObject(v) && Object.hasOwn(v, key) ? v[key] : undefined), root);

export function normalizeJuspayWebhook(input: unknown): NormalizeResult {
  if (!isObject(input)) return { ok: false, reason: 'The body must be a JSON object.' };
  const flags = new Set<string>();

  // Secrets and card data go first, before anything else looks at the payload.
  const cleaned = mapStrings(input, (s) => {
    const r = storableText(s);
    if (r.changed) flags.add('invalid_text_replaced');
    return r.text;
  });
  const scrubbed = scrubCardNumbersDeep(redactSecrets(cleaned, JUSPAY_SECRET_KEYS).value, { idFields: JUSPAY_ID_FIELDS });
  if (scrubbed.found > 0) flags.add('card_number_scrubbed');
  const body = scrubbed.value as Json;

  const parsed = juspayEventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'The body is not a Juspay webhook.' };
  const order = parsed.data.content.order;
  const detail = isObject(order.txn_detail) ? order.txn_detail : {};
  const card = [at(order, 'payment_info.card'), order.card].find(isObject) ?? {};

  const text = (value: unknown, field: string, max = TEXT_MAX): string | null => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') {
      flags.add(`invalid_field:${field}`);
      return null;
    }
    const t = value.trim();
    return t === '' ? null : truncate(t, max);
  };
  const first = (...candidates: [unknown, string][]) => candidates.map(([v, f]) => text(v, f)).find((v) => v !== null) ?? null;
  const money = (value: unknown, field: string): string | null => {
    const r = parseMoney(value);
    if (r.ok) return r.value;
    flags.add(`invalid_money:${field}`);
    return null;
  };

  // The payment is the attempt: an order can be tried several times (txn_id `<merchant>-<order>-<n>`),
  // each attempt with its own status and OTP challenge, as an Enkash transactionId is one attempt.
  // Before an attempt exists (an order event) the order id stands in. A merchant's numeric order
  // id can look like a card number to the scrubber; an id it changed is not used, since two
  // orders could then share one, and Juspay's own txn_uuid / order uuid take its place.
  const rawOrder = at(cleaned, 'content.order');
  // An id is never cut to fit: two long ids sharing their first 128 characters would become one
  // payment. Refused instead, as Enkash's over-long transactionId is.
  for (const field of ID_FIELDS) {
    const v = at(rawOrder, field);
    if (typeof v === 'string' && v.trim().length > ID_MAX) return { ok: false, reason: `content.order.${field} must be at most ${ID_MAX} characters` };
  }
  const intact = (field: string) => {
    const v = text(at(order, field), `order.${field}`, ID_MAX);
    return v !== null && v === text(at(rawOrder, field), `order.${field}`, ID_MAX) ? v : null;
  };
  const transactionId = intact('txn_id') ?? intact('txn_detail.txn_id') ?? intact('txn_uuid') ?? intact('order_id') ?? intact('id');
  if (!transactionId) return { ok: false, reason: 'content.order has no txn_id, txn_uuid or order_id.' };

  const orderStatus = text(order.status, 'order.status');
  const transactionStatus = text(detail.status, 'order.txn_detail.status');
  // The attempt's own status when Juspay gives it; the order's follows the latest attempt.
  const rawStatus = transactionStatus ?? orderStatus;
  if (!rawStatus) flags.add('missing_status');
  const status = rawStatus ?? 'UNKNOWN';
  const info = juspayStatusInfo(status);
  if (rawStatus && !info.known) flags.add('unknown_status');
  if (orderStatus && !juspayStatusInfo(orderStatus).known) flags.add('unknown_order_status');

  const cardType = text(card.card_type, 'card.card_type');
  const paymentMode = juspayPaymentMode(text(order.payment_method_type, 'order.payment_method_type'), cardType);
  if (paymentMode && !JUSPAY_PAYMENT_MODES.has(paymentMode)) flags.add('unknown_payment_mode');

  // txn_detail splits the attempt's amount into txn_amount + surcharge + tax = net_amount.
  const amount = money(detail.txn_amount ?? order.amount, 'amount');
  const surcharge = money(detail.surcharge_amount, 'surcharge_amount');
  const surchargeGst = money(detail.tax_amount, 'tax_amount');
  const finalAmount = money(detail.net_amount ?? order.amount, 'net_amount');
  if (checkAmounts({ amount, surcharge, surchargeGst, finalAmount }).kind === 'mismatch') flags.add('amount_mismatch');

  // The attempt's creation time, else the order's: stable across the attempt's events, unlike
  // the envelope's date_created (when the webhook was sent).
  const rawDate = [detail.created, order.date_created, body.date_created].find((v) => v !== null && v !== undefined);
  const txnAt = parseProviderTime(rawDate);
  if (!txnAt) flags.add(rawDate === undefined ? 'missing_txn_date' : 'invalid_txn_date');

  const gateway = isObject(order.payment_gateway_response) ? order.payment_gateway_response : {};
  // An OTP call with a cut id would fail at the provider: an over-long one is left out and flagged.
  const ref = (candidates: [unknown, string][]) => {
    for (const [v, field] of candidates) {
      const t = text(v, field, Infinity);
      if (t !== null && t.length > ID_MAX) flags.add(`invalid_field:${field}`);
      else if (t !== null) return t;
    }
    return null;
  };
  const otpRefs = Object.fromEntries(
    Object.entries({
      txn_uuid: ref([[order.txn_uuid, 'order.txn_uuid'], [detail.txn_uuid, 'order.txn_detail.txn_uuid']]),
      challenge_id: ref([
        [at(order, 'payment.authentication.params.challenge_id'), 'payment.authentication.params.challenge_id'],
        [at(body, 'content.payment.authentication.params.challenge_id'), 'payment.authentication.params.challenge_id'],
      ]),
      customer_id: ref([[order.customer_id, 'order.customer_id']]),
    }).filter((entry): entry is [string, string] => entry[1] !== null),
  );

  const claim: PaymentClaim = {
    provider: 'juspay',
    transactionId,
    uniqueTransactionId: first([order.txn_uuid, 'order.txn_uuid'], [detail.txn_uuid, 'order.txn_detail.txn_uuid']),
    orderId: text(order.order_id, 'order.order_id'),
    bankTransactionId: first([gateway.rrn, 'payment_gateway_response.rrn'], [gateway.epg_txn_id, 'payment_gateway_response.epg_txn_id']),
    status,
    statusRank: info.rank,
    statusFamily: info.family,
    transactionStatus,
    orderStatus,
    txnMessage: first(
      [order.bank_error_message, 'order.bank_error_message'],
      [order.resp_message, 'order.resp_message'],
      [gateway.resp_message, 'payment_gateway_response.resp_message'],
    ),
    paymentMode,
    currency: text(order.currency, 'order.currency'),
    amount,
    surcharge,
    surchargeGst,
    finalAmount,
    transactionAmount: null,
    mdr: null,
    mdrGst: null,
    cardScheme: text(card.card_brand, 'card.card_brand'),
    cardLast4: lastFour(text(card.last_four_digits, 'card.last_four_digits')),
    bankCode: null,
    bankName: text(card.card_issuer, 'card.card_issuer'),
    cardholderName: text(card.name_on_card, 'card.name_on_card'),
    paymentTokenSha256: null,
    txnAt,
    otpRefs,
    flags: [...flags].sort(),
    payload: body,
    // Juspay may send one event again, not always byte for byte: the event id is its identity.
    payloadSha256: sha256(`juspay-event:${parsed.data.id}`),
  };
  return { ok: true, claim };
}

/**
 * Juspay's identifier fields (order, attempt, event, customer and gateway ids), where a digit run
 * inside an alphanumeric id is part of the id, not a card number; everywhere else it is scrubbed.
 */
export const JUSPAY_ID_FIELDS = [
  'id', 'order_id', 'txn_id', 'txn_uuid', 'customer_id', 'merchant_id', 'challenge_id', 'epg_txn_id', 'rrn',
  'auth_id_code', 'gateway_reference_id', 'unique_request_id', 'refund_id', 'ref',
];
