import type { RefundRow } from '@/db/schema';
import { toIsoIst } from '@/lib/time';
import type { Refundable } from './request';

/** A refund as the merchant API shows it: money as exact decimal text, times ISO-8601 in IST. */
export function presentRefund(r: RefundRow) {
  return {
    id: r.id,
    requestId: r.requestId,
    state: r.state,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    holds: r.holds,
    expiresAt: toIsoIst(r.expiresAt),
    providerRefundId: r.providerRefundId,
    arn: r.arn,
  };
}
export type ApiRefund = ReturnType<typeof presentRefund>;

/** What may still be refunded, for the API: nothing while the payment cannot be refunded (the reason beside it). */
export function presentRefundable(state: Refundable | null) {
  return {
    refundable: !state || state.blocked ? '0.0000' : state.refundable,
    refundBlocked: state?.blocked ?? null,
  };
}
