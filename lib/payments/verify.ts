import { and, desc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { transactions, type Verification } from '@/db/schema';
import { recordAudit, type AuditEntry } from '@/lib/audit/record';
import { logError } from '@/lib/log';
import { isProviderError, type Providers } from '@/lib/providers/types';
import { scrubbedText, truncate } from '@/lib/text';
import { env } from '@/lib/env';
import { sweepFlags } from './sweep-flags';
import { statusInfo, type StatusFamily } from './status';

/** Providers whose status API PayOps asks: Enkash's Get Transaction Status, Juspay's Order Status. */
export const VERIFIABLE_PROVIDERS = ['enkash', 'juspay'] as const;
export type VerifiableProvider = (typeof VERIFIABLE_PROVIDERS)[number];
/** Shown for a payment of any other provider (an Enkash Wallet row made by the OTP proxy): nothing to ask. */
export const NOT_VERIFIABLE_DETAIL = 'This provider has no status API PayOps can ask, so its payments stay unconfirmed.';

/** The provider clients a status check may call. */
export type StatusProviders = Pick<Providers, 'enkash' | 'juspay'>;

export const isVerifiable = (provider: string): provider is VerifiableProvider => (VERIFIABLE_PROVIDERS as readonly string[]).includes(provider);

export interface VerifyResult {
  id: number;
  /** 'skipped': the provider has no status API PayOps can ask; nothing was written. */
  verification: Verification | 'skipped';
  status: string;
  /** What the provider's status API reported; null when it does not know the payment or could not be asked. */
  verifiedStatus: string | null;
  /**
   * The family of `verifiedStatus` by the provider's ranks (status.ts): 'open' means the provider
   * is not done with the payment, anything else is final (`isFinalFamily`). Null with no status.
   */
  verifiedFamily: StatusFamily | null;
  detail: string | null;
}

/** Who asked, for the audit row a re-check writes; none for the automatic check after a notification. */
export type VerifyAudit = Omit<AuditEntry, 'action' | 'target' | 'outcome' | 'details'>;

/**
 * Trust, then verify: asks the provider's status API about one payment and records whether it
 * confirms the status the notifications claimed. It never changes the status itself: a
 * contradiction is flagged `provider_mismatch` for a person. A provider that cannot be asked
 * (timeout, 5xx, refusal) is recorded as 'error', never thrown.
 */
export async function verifyTransaction(
  db: Db,
  providers: StatusProviders,
  params: { id: number; audit?: VerifyAudit },
): Promise<VerifyResult | null> {
  const [row] = await db
    .select({
      provider: transactions.provider,
      transactionId: transactions.transactionId,
      orderId: transactions.orderId,
      uniqueTransactionId: transactions.uniqueTransactionId,
      status: transactions.status,
    })
    .from(transactions)
    .where(eq(transactions.id, params.id));
  if (!row) return null;
  const audit = (tx: Parameters<typeof recordAudit>[0], result: VerifyResult) =>
    params.audit &&
    recordAudit(tx, {
      ...params.audit,
      action: 'payments.recheck',
      target: `${row.provider}:${row.transactionId}`,
      outcome: result.verification,
      details: { id: result.id, status: result.status, verifiedStatus: result.verifiedStatus },
    });

  const provider = row.provider;
  if (!isVerifiable(provider)) {
    const skipped: VerifyResult = {
      id: params.id,
      verification: 'skipped',
      status: row.status,
      verifiedStatus: null,
      verifiedFamily: null,
      detail: NOT_VERIFIABLE_DETAIL,
    };
    await audit(db, skipped);
    return skipped;
  }

  const answer = await askProvider(() => askProviderStatus(providers, { ...row, provider }));
  return db.transaction(async (tx) => {
    // Compared with the status as it is now, under a row lock: a notification may have moved it meanwhile.
    const [current] = await tx
      .select({
        status: transactions.status,
        statusFamily: transactions.statusFamily,
        flags: transactions.flags,
        verification: transactions.verification,
        txnAt: transactions.txnAt,
        updatedAt: transactions.updatedAt,
      })
      .from(transactions)
      .where(eq(transactions.id, params.id))
      .for('update');
    const judged = !answer.ok
      ? { verification: 'error' as const, detail: answer.detail }
      : answer.inconclusive
        ? { verification: 'unconfirmed' as const, detail: answer.inconclusive }
        : judge(row.provider, current.status, answer.status);
    // Found without waiting for a notification: final at the provider but never notified, or still open far too long.
    const e = env();
    const found = sweepFlags({
      heldFamily: current.statusFamily,
      reportedFamily: answer.ok && !answer.inconclusive && answer.status ? statusInfo(row.provider, answer.status).family : null,
      lastNotificationAt: current.updatedAt,
      txnAt: current.txnAt,
      now: new Date(),
      notifyMissingMinutes: e.NOTIFY_MISSING_MINUTES,
      stuckAfterMinutes: e.STUCK_AFTER_MINUTES,
    });
    const added = [...(judged.verification === 'mismatch' ? ['provider_mismatch'] : []), ...found];
    const flags = added.length ? [...new Set([...current.flags, ...added])].sort() : current.flags;
    // A provider that cannot be asked now (or whose answer is about another attempt) does not undo
    // what it said about this status before.
    const keepVerdict = (!answer.ok || !!answer.inconclusive) && (current.verification === 'confirmed' || current.verification === 'mismatch');
    if (!keepVerdict) {
      await tx
        .update(transactions)
        .set({
          verification: judged.verification,
          verifiedStatus: answer.ok ? answer.status : null,
          verifiedAt: sql`now()`,
          verificationDetail: judged.detail,
          flags,
        })
        .where(eq(transactions.id, params.id));
    } else if (flags !== current.flags) {
      await tx.update(transactions).set({ flags }).where(eq(transactions.id, params.id));
    }
    const verifiedStatus = answer.ok ? answer.status : null;
    const result: VerifyResult = {
      id: params.id,
      verification: judged.verification,
      status: current.status,
      verifiedStatus,
      verifiedFamily: verifiedStatus === null ? null : statusInfo(row.provider, verifiedStatus).family,
      detail: judged.detail,
    };
    await audit(tx, result);
    return result;
  });
}

/** The payment as a status check needs it: its provider and every id the provider may know it by. */
export interface StatusCheckRow {
  provider: VerifiableProvider;
  transactionId: string;
  orderId: string | null;
  uniqueTransactionId: string | null;
}

/**
 * What the provider says about this payment, the same shape for every provider so the check is one
 * flow: `status` is the provider's status for it (null: the provider does not know it — a
 * not_found error is turned into that by the caller); `inconclusive` says why the answer, though
 * valid, cannot speak for this payment. Provider failures are thrown as ProviderError.
 */
export interface ProviderSays {
  status: string | null;
  inconclusive?: string;
}

export async function askProviderStatus(providers: StatusProviders, row: StatusCheckRow): Promise<ProviderSays> {
  if (row.provider === 'enkash') {
    const { status } = await providers.enkash.getTransactionStatus(row.transactionId);
    return { status };
  }
  // Juspay's status API is by order, and reports the order's status with the ids of its latest
  // attempt. A PayOps row is one attempt (transaction_id = txn_id, else txn_uuid) or, before any
  // attempt, the order itself (transaction_id = order id or Juspay's order uuid); every webhook
  // names the order, so order_id is set on any row a webhook made.
  const orderId = row.orderId;
  if (!orderId) {
    // Recorded by the OTP proxy before any webhook: asking by the attempt's id would only get a
    // "not found" that looks like a forgery.
    return {
      status: null,
      inconclusive: "No Juspay webhook has named this payment's order yet, and Juspay's status API is by order: it stays unconfirmed until one does.",
    };
  }
  const order = await providers.juspay.getOrderStatus(orderId);
  const ours = new Set([row.transactionId, row.uniqueTransactionId].filter((v): v is string => !!v));
  const sameAttempt =
    order.txnId === null ||
    ours.has(order.txnId) ||
    (order.txnUuid !== null && ours.has(order.txnUuid)) ||
    ours.has(order.orderId) ||
    (typeof order.raw.id === 'string' && ours.has(order.raw.id));
  if (sameAttempt) return { status: order.status };
  // Another attempt of the same order came later: the order's status is about that one, not this.
  const later = truncate(scrubbedText(order.txnId ?? ''), 128);
  return {
    status: order.status,
    inconclusive: `Juspay's order status now reports a later attempt of order ${truncate(scrubbedText(orderId), 128)} (${later}, ${order.status ?? 'no status'}); it says nothing about this attempt, so this payment stays unconfirmed.`,
  };
}

// What the status API said: a status, that it does not know the transaction, or nothing usable.
type Answer = { ok: true; status: string | null; inconclusive?: string } | { ok: false; detail: string };

async function askProvider(ask: () => Promise<ProviderSays>): Promise<Answer> {
  try {
    const { status, inconclusive } = await ask();
    // An answer about another attempt is no word on this one: its status is not kept as this payment's.
    if (inconclusive) return { ok: true, status: null, inconclusive };
    if (!status?.trim()) return { ok: false, detail: 'The status API answered without a status.' };
    return { ok: true, status: truncate(scrubbedText(status.trim()), 64) };
  } catch (err) {
    if (isProviderError(err) && err.code === 'not_found') return { ok: true, status: null };
    if (isProviderError(err)) return { ok: false, detail: `The status API could not be asked (${err.code}): ${truncate(scrubbedText(err.message), 300)}` };
    logError('[verify] unexpected error asking the provider:', err);
    return { ok: false, detail: 'The status check failed unexpectedly; see the server log.' };
  }
}

/**
 * confirmed: the provider says what PayOps holds. A provider further along than an open status
 * (SUCCESS while PayOps still holds PENDING_WITH_BANK) is no contradiction, only a notification
 * still on its way: that stays unconfirmed, with the provider's word kept. Anything else — above
 * all a success the provider does not confirm, or a transaction it does not know (`reported`
 * null) — is a mismatch for a person.
 */
export function judge(provider: string, held: string, reported: string | null): { verification: Verification; detail: string | null } {
  // A notification about a transaction the provider does not know is what a forged one looks like.
  if (reported === null) {
    return { verification: 'mismatch', detail: `The provider's status API does not know this transaction, but a notification said ${held}. Check with the provider.` };
  }
  if (held.toUpperCase() === reported.toUpperCase()) return { verification: 'confirmed', detail: null };
  const mine = statusInfo(provider, held);
  const theirs = statusInfo(provider, reported);
  if (mine.family === 'open' && theirs.known && theirs.rank > mine.rank) {
    return {
      verification: 'unconfirmed',
      detail: `The provider already reports ${reported}; its notification has not arrived yet. The status shown stays ${held} until it does.`,
    };
  }
  return {
    verification: 'mismatch',
    detail: `The provider's status API reports ${reported}, but the notifications said ${held}. The status shown is kept; check with the provider.`,
  };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 24h` / `7d` / `90m` as the moment that long before `now`; null when not of that form. */
export function parseSince(text: string, now = Date.now()): Date | null {
  const m = /^(\d{1,5})([mhd])$/.exec(text.trim());
  return m ? new Date(now - Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]) : null;
}

/** For `npm run reconcile`: payments whose claim is not yet confirmed, or not yet final, newest first. */
export async function selectForReconcile(db: Db, params: { since: Date; limit: number }): Promise<number[]> {
  const rows = await db
    .select({ id: transactions.id })
    .from(transactions)
    .where(
      and(
        gte(transactions.txnAt, params.since),
        inArray(transactions.provider, [...VERIFIABLE_PROVIDERS]),
        or(inArray(transactions.verification, ['unconfirmed', 'error']), eq(transactions.statusFamily, 'open')),
      ),
    )
    .orderBy(desc(transactions.txnAt), desc(transactions.id))
    .limit(params.limit);
  return rows.map((r) => r.id);
}
