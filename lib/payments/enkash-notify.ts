import { z } from 'zod';
import { lastFour, scrubCardNumbersDeep } from '@/lib/cards';
import { canonicalJson } from '@/lib/json';
import { addMoney, compareMoney, parseMoney } from '@/lib/money';
import { redactSecrets } from '@/lib/secrets';
import { mapStrings, storableText, truncate } from '@/lib/text';
import { parseProviderTime } from '@/lib/time';
import { REDACTED, sha256, type NormalizeResult, type PaymentClaim } from './claim';
import { ENKASH_ORDER_STATUSES, ENKASH_PAYMENT_MODES, enkashStatusInfo } from './status';

/**
 * Enkash's Payment Notify Request (../shared/reference/enkash-pg-payment-notify-request.txt).
 * Every field is documented as required, yet the documented example sends null for half of
 * them, amounts as strings and surcharges as numbers; so the only hard requirement is a
 * transactionId, and every other oddity is kept and flagged rather than refused.
 * Input comes from parseJsonExact: numbers arrive as their exact source text.
 */
export const enkashNotifySchema = z.looseObject({
  transactionId: z
    .string({ error: 'transactionId is required and must be a string' })
    .trim()
    .min(1, 'transactionId must not be empty')
    .max(128, 'transactionId must be at most 128 characters'),
});

export { REDACTED, sha256, type NormalizeResult };

/** The payment token is a secret (../shared/DESIGN.md): never stored, never logged. */
export const ENKASH_SECRET_KEYS = ['paymentToken'] as const;
/**
 * Enkash's identifier fields, where a digit run inside an alphanumeric id is part of the id
 * (`EK1738916997652yh8GL`), not a card number; everywhere else such a run is scrubbed.
 */
export const ENKASH_ID_FIELDS = [
  'transactionId', 'uniqueTransactionId', 'orderId', 'bankTransactionId', 'otpReferenceNumber', 'ekPayId',
  'settlementTransactionId', 'settlementPayoutId', 'transferId', 'requestId', 'otpRequestId',
] as const;
const TEXT_MAX = 512;

const MONEY_FIELDS = {
  amount: 'amount',
  surcharge: 'surcharge',
  surchargeGst: 'surchargeGst',
  finalAmount: 'finalAmount',
  transactionAmount: 'transactionAmount',
  mdr: 'mdr',
  mdrGst: 'mdrGst',
} as const;

export function normalizeEnkashNotify(input: unknown): NormalizeResult {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, reason: 'The body must be a JSON object.' };
  }
  const flags = new Set<string>();

  // Secrets and card data go first, before anything else looks at the payload.
  const { paymentToken, ...rest } = input as Record<string, unknown>;
  const token = typeof paymentToken === 'string' && paymentToken !== '' ? paymentToken : null;
  const cleaned = mapStrings(rest, (s) => {
    const r = storableText(s);
    if (r.changed) flags.add('invalid_text_replaced');
    return r.text;
  });
  // The token under another spelling (`PAYMENT_TOKEN`), nested, or written inside a string.
  const scrubbed = scrubCardNumbersDeep(redactSecrets(cleaned, ENKASH_SECRET_KEYS).value, { idFields: ENKASH_ID_FIELDS });
  if (scrubbed.found > 0) flags.add('card_number_scrubbed');
  const body = scrubbed.value as Record<string, unknown>;

  const parsed = enkashNotifySchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'transactionId is required' };
  // The payment is keyed on this id: one the scrubber cut (a card number, never an Enkash id)
  // would file two cards with the same last four under one payment, so it is refused instead.
  if ((cleaned as Record<string, unknown>).transactionId !== body.transactionId) {
    return { ok: false, reason: 'transactionId holds a card number or a secret; it is not an Enkash transaction id.' };
  }

  const text = (field: string): string | null => {
    const v = body[field];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') {
      flags.add(`invalid_field:${field}`);
      return null;
    }
    const t = v.trim();
    return t === '' ? null : truncate(t, TEXT_MAX);
  };
  const money = (field: string): string | null => {
    const r = parseMoney(body[field]);
    if (r.ok) return r.value;
    flags.add(`invalid_money:${field}`);
    return null;
  };

  const rawStatus = text('status') ?? text('transactionStatus');
  if (!rawStatus) flags.add('missing_status');
  const status = rawStatus ?? 'UNKNOWN';
  const info = enkashStatusInfo(status);
  if (rawStatus && !info.known) flags.add('unknown_status');

  const orderStatus = text('orderStatus');
  if (orderStatus && !ENKASH_ORDER_STATUSES.has(orderStatus)) flags.add('unknown_order_status');
  const paymentMode = text('paymentMode');
  if (paymentMode && !ENKASH_PAYMENT_MODES.has(paymentMode)) flags.add('unknown_payment_mode');

  const amounts = Object.fromEntries(
    Object.entries(MONEY_FIELDS).map(([key, field]) => [key, money(field)]),
  ) as Record<keyof typeof MONEY_FIELDS, string | null>;
  // amount + surcharge + surchargeGst must equal finalAmount; a mismatch is flagged, never refused.
  if (amounts.amount !== null && amounts.finalAmount !== null) {
    const expected = addMoney(amounts.amount, amounts.surcharge, amounts.surchargeGst);
    if (compareMoney(expected, amounts.finalAmount) !== 0) flags.add('amount_mismatch');
  }

  const rawDate = body.txnDate;
  const txnAt = parseProviderTime(rawDate);
  if (!txnAt) flags.add(rawDate === null || rawDate === undefined ? 'missing_txn_date' : 'invalid_txn_date');

  const tokenSha256 = token ? sha256(token) : null;
  const payload: Record<string, unknown> = token ? { ...body, paymentToken: REDACTED } : body;
  const claim: PaymentClaim = {
    provider: 'enkash',
    transactionId: parsed.data.transactionId,
    uniqueTransactionId: text('uniqueTransactionId'),
    orderId: text('orderId'),
    bankTransactionId: text('bankTransactionId'),
    status,
    statusRank: info.rank,
    statusFamily: info.family,
    transactionStatus: text('transactionStatus'),
    orderStatus,
    txnMessage: text('txnMsg'),
    paymentMode,
    currency: text('currency'),
    ...amounts,
    cardScheme: text('cardScheme'),
    cardLast4: lastFour(text('maskedCardNumber')),
    bankCode: text('bankCode'),
    bankName: text('bankName'),
    cardholderName: text('cardHolderName'),
    paymentTokenSha256: tokenSha256,
    txnAt,
    otpRefs: {},
    flags: [...flags].sort(),
    payload,
    // The token takes part in identity through its hash, so its clear text is never needed again.
    payloadSha256: sha256(canonicalJson({ payload, tokenSha256 })),
  };
  return { ok: true, claim };
}
