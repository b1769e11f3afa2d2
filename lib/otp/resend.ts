import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { transactions, type OtpKind, type Transaction } from '@/db/schema';
import { AppError } from '@/lib/errors';
import type { OtpSendResult, OtpValidateResult, Providers } from '@/lib/providers/types';
import { auditRefusedRequest, beginAttempt, finishAttempt, replayAttempt, type AttemptResult, type OtpCaller } from './ledger';
import { otpLimits, type OtpLimits } from './policy';
import { callProvider } from './provider-call';
import { isWalletSend, otpRefsOf, walletRefusal, type OtpRefs } from './refs';

export interface OtpPlan {
  provider: 'enkash' | 'enkash_wallet' | 'juspay';
  /** Which ids are missing, in words; null when the call can be made. */
  missing: string | null;
  call: (providers: Providers) => Promise<OtpSendResult | OtpValidateResult>;
}

/** Which provider call an OTP action on this payment is, and whether its ids are all there. */
export function planOtpCall(t: Pick<Transaction, 'provider' | 'transactionId'>, kind: OtpKind, refs: OtpRefs, otp?: string): OtpPlan {
  const missing = (names: [string, string | undefined][]) => {
    const absent = names.filter(([, v]) => !v).map(([n]) => n);
    return absent.length ? `Missing ${absent.join(' and ')}.` : null;
  };
  if (isWalletSend(t, kind)) {
    return {
      provider: 'enkash_wallet',
      missing: missing([['the card account id', refs.cardAccountId], ['the Enkash card id', refs.enKashCardId]]),
      call: (p) => p.enkashWallet.generateTransactionOtp({ cardAccountId: refs.cardAccountId!, enKashCardId: refs.enKashCardId! }),
    };
  }
  if (t.provider === 'juspay') {
    const ids = { txnId: refs.txnUuid ?? t.transactionId, challengeId: refs.challengeId!, customerId: refs.customerId! };
    return {
      provider: 'juspay',
      missing: missing([['the Juspay challenge id', refs.challengeId], ['the Juspay customer id', refs.customerId]]),
      call: (p) => (kind === 'validate' ? p.juspay.processOtp({ ...ids, otp: otp! }) : p.juspay.resendOtp(ids)),
    };
  }
  if (t.provider === 'enkash') {
    return {
      provider: 'enkash',
      missing: null,
      call: (p) => (kind === 'validate' ? p.enkash.validateOtp({ ekPayId: t.transactionId, otp: otp! }) : p.enkash.resendOtp(t.transactionId)),
    };
  }
  throw new AppError('invalid_input', `PayOps cannot make OTP calls for provider ${t.provider}.`);
}

export interface OtpRequest {
  /** PayOps' id of the payment (transactions.id). */
  transactionId: number;
  kind: OtpKind;
  reason: string | null;
  idempotencyKey: string;
  /** Ids given with the request: Juspay's may stand in for the stored ones; wallet card ids are only compared. */
  refs?: OtpRefs;
  /** Only for `validate`: passed to the provider, never stored or logged. */
  otp?: string;
  /** The payment's row when the caller has just read or written it (saves reading it again). */
  transaction?: Transaction;
}

/**
 * One OTP action, end to end: refuse a request naming another wallet card or asking a wallet OTP
 * of a payment that is not a wallet payment (audited, nothing reserved, no provider call); reserve
 * in the database (or refuse, or find the first attempt with this idempotency key), call the
 * provider outside any database transaction, then record the outcome with its audit row.
 */
export async function requestOtp(db: Db, providers: Providers, req: OtpRequest, caller: OtpCaller, limits: OtpLimits = otpLimits()): Promise<AttemptResult> {
  if ((req.kind === 'validate') !== (req.otp !== undefined)) throw new Error('an OTP goes with validate, and only with it');
  const [t] = req.transaction ? [req.transaction] : await db.select().from(transactions).where(eq(transactions.id, req.transactionId));
  if (!t) throw new AppError('not_found', 'No such payment.');
  const refs = otpRefsOf(t, req.refs);
  const plan = planOtpCall(t, req.kind, refs, req.otp);
  const refusal = walletRefusal(t, req.kind, req.refs ?? {});
  if (refusal) {
    await auditRefusedRequest(db, t, { kind: req.kind, provider: plan.provider, reason: req.reason }, caller, refusal.outcome, { namedCard: refusal.named });
    throw new AppError(refusal.code, refusal.message);
  }

  const begun = await beginAttempt(
    db,
    t,
    { kind: req.kind, provider: plan.provider, reason: req.reason, idempotencyKey: req.idempotencyKey, missingRefs: plan.missing },
    caller,
    limits,
  );
  if (begun.state === 'done') return begun.result;
  // The first attempt may still be waiting for a slow provider; wait about as long as it may.
  if (begun.state === 'duplicate') return replayAttempt(db, begun.attempt, limits, 15_000);

  const answer = await callProvider(() => plan.call(providers), { secret: req.otp });
  if (answer.challengeId === refs.challengeId) answer.challengeId = null;
  return finishAttempt(db, begun.attempt, answer, limits);
}
