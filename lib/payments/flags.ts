/** Flags in words, for the people who act on them. */
const FLAG_TEXT: Record<string, string> = {
  status_conflict: 'The provider reported two different final statuses. The first one is kept; check with the provider.',
  amount_mismatch: 'amount + surcharge + surcharge GST does not equal the final amount.',
  amount_changed: 'A later notification reported a different amount; the first amount is kept.',
  card_number_scrubbed: 'A full card number arrived in the notification and was cut to its last four before storing.',
  unknown_status: 'The provider sent a status PayOps does not know; it is kept as sent.',
  missing_status: 'The notification carried no status.',
  unknown_order_status: 'The order status is not one PayOps knows.',
  unknown_payment_mode: 'The payment mode is not one PayOps knows.',
  invalid_txn_date: 'The transaction date could not be read; the time shown is when PayOps received it.',
  missing_txn_date: 'The notification had no transaction date; the time shown is when PayOps received it.',
  invalid_text_replaced: 'Text with characters that cannot be stored (NUL, broken Unicode) was replaced.',
  unauthenticated: 'Received while no webhook secret was configured: anyone could have sent it.',
  provider_mismatch:
    "The provider's status API reported a different status than its notifications. The status shown was kept; check with the provider.",
  notify_missing:
    'The provider reports this payment final, but its notification never arrived. The status shown stays until it does; check with the provider (the customer may have been charged).',
  refund_stuck: 'A refund of this payment has had no final answer from the provider for days. Ask the provider where it is; the customer is waiting for the money.',
  refund_unknown:
    'A refund was sent but its answer never came, and the provider cannot be asked about it by PayOps’ request id. Its amount stays held; check the provider’s dashboard, then settle it on the refund.',
  stuck: 'The provider still has this payment open long after it began. Check with the provider; a card payment debited but not confirmed is reversed by the bank within T+5 days (RBI).',
};

export function describeFlag(flag: string): string {
  if (FLAG_TEXT[flag]) return FLAG_TEXT[flag];
  const [kind, field] = flag.split(':');
  if (kind === 'invalid_money') return `The ${field} value is not an exact amount; it was not stored.`;
  if (kind === 'invalid_field') return `The ${field} field had the wrong type; it was not stored.`;
  return flag;
}

/** Flags a person should act on, as opposed to notes. */
export const REVIEW_FLAGS = new Set(['status_conflict', 'amount_mismatch', 'amount_changed', 'card_number_scrubbed', 'provider_mismatch', 'notify_missing', 'stuck', 'refund_stuck', 'refund_unknown']);
