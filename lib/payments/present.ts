import type { Transaction } from '@/db/schema';
import { presentRefund, presentRefundable } from '@/lib/refunds/present';
import { toIsoIst } from '@/lib/time';
import type { TransactionDetail } from './queries';

const iso = (d: Date | null) => (d ? toIsoIst(d) : null);

/**
 * A transaction as the read API shows it: money as exact decimal strings, times ISO-8601 in
 * IST with the offset, the card as scheme and last four only. The cardholder name is personal
 * data for signed-in staff, so it is not part of the API.
 */
export function presentTransaction(t: Transaction) {
  return {
    provider: t.provider,
    transactionId: t.transactionId,
    uniqueTransactionId: t.uniqueTransactionId,
    orderId: t.orderId,
    bankTransactionId: t.bankTransactionId,
    status: t.status,
    statusFamily: t.statusFamily,
    transactionStatus: t.transactionStatus,
    orderStatus: t.orderStatus,
    message: t.txnMessage,
    paymentMode: t.paymentMode,
    currency: t.currency,
    amount: t.amount,
    surcharge: t.surcharge,
    surchargeGst: t.surchargeGst,
    finalAmount: t.finalAmount,
    transactionAmount: t.transactionAmount,
    mdr: t.mdr,
    mdrGst: t.mdrGst,
    card: t.cardLast4 || t.cardScheme ? { scheme: t.cardScheme, last4: t.cardLast4 } : null,
    bank: t.bankCode || t.bankName ? { code: t.bankCode, name: t.bankName } : null,
    txnAt: iso(t.txnAt),
    firstSeenAt: iso(t.firstSeenAt),
    updatedAt: iso(t.updatedAt),
    eventCount: t.eventCount,
    lastEffect: t.lastEffect,
    flags: t.flags,
  };
}

export function presentTransactionDetail(detail: TransactionDetail) {
  return {
    ...presentTransaction(detail.transaction),
    events: detail.events.map((e) => ({
      id: e.id,
      status: e.status,
      txnAt: iso(e.txnAt),
      receivedAt: iso(e.receivedAt),
      effect: e.effect,
      duplicateCount: e.duplicateCount,
      lastDuplicateAt: iso(e.lastDuplicateAt),
      flags: e.flags,
    })),
    refunds: detail.refunds.map(presentRefund),
    ...presentRefundable(detail.refundable),
  };
}
