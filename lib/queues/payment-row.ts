import { sql } from 'drizzle-orm';

/** What every queue shows of a payment (alias `t`): the columns, and the same fields in TypeScript. */
export const QUEUE_PAYMENT_COLUMNS = sql`t.id, t.provider, t.transaction_id, t.status, t.final_amount::text AS final_amount, t.currency, t.card_scheme, t.card_last4, t.txn_at`;

export interface QueuePayment {
  id: number;
  provider: string;
  transactionId: string;
  status: string;
  finalAmount: string | null;
  currency: string | null;
  cardScheme: string | null;
  cardLast4: string | null;
  txnAt: Date;
}

export function queuePayment(r: Record<string, any>): QueuePayment {
  return {
    id: Number(r.id),
    provider: r.provider,
    transactionId: r.transaction_id,
    status: r.status,
    finalAmount: r.final_amount,
    currency: r.currency,
    cardScheme: r.card_scheme,
    cardLast4: r.card_last4,
    txnAt: new Date(r.txn_at),
  };
}
