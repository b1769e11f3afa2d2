import { randomBytes, randomInt } from 'node:crypto';
import { addMoney, compareMoney, parseMoney } from '@/lib/money';

/**
 * Refunds at the simulated providers (DESIGN.md "Enkash Refund", "Juspay Refund"). A refund is
 * created pending (Enkash CREATED, Juspay PENDING with sent_to_gateway false) and becomes final
 * `delayMs` later: SUCCESS with a bank reference (ARN), or what a fault decided. The change
 * happens on a timer (so webhooks go out unasked) and on any read past its time (so polling never
 * waits on a timer); whichever comes first does it, once.
 *
 * Faults (set per refund endpoint through the ordinary fault control, `times` honoured):
 * - refund_timeout: the refund is created but the call never answers (outcome unknown);
 * - refund_fail: it becomes FAILED (Enkash) / FAILURE (Juspay);
 * - refund_manual_review: Juspay MANUAL_REVIEW;
 * - refund_stuck: it stays pending for ever;
 * - refund_insufficient_balance: Enkash refuses it, 400 (the merchant's Enkash balance is short).
 */

export const REFUND_FAULT_MODES = ['refund_timeout', 'refund_fail', 'refund_manual_review', 'refund_stuck', 'refund_insufficient_balance'] as const;
export type RefundFaultMode = (typeof REFUND_FAULT_MODES)[number];
/** Which provider each refund fault makes sense for. */
export const REFUND_FAULT_PROVIDERS: Record<RefundFaultMode, readonly RefundProvider[]> = {
  refund_timeout: ['enkash', 'juspay'],
  refund_fail: ['enkash', 'juspay'],
  refund_manual_review: ['juspay'],
  refund_stuck: ['enkash', 'juspay'],
  refund_insufficient_balance: ['enkash'],
};

export type RefundProvider = 'enkash' | 'juspay';
export type RefundOutcome = 'success' | 'failure' | 'manual_review';

export interface SandboxRefund {
  provider: RefundProvider;
  /** Enkash: the payment's transactionId; Juspay: the order id. */
  paymentId: string;
  /** Enkash: the refund's own transaction id (RFND…); Juspay: the refund's id. */
  id: string;
  /** Enkash requestId / Juspay unique_request_id. */
  requestId: string;
  /** Exact, four decimals ("200.0000"). */
  amount: string;
  remarks: string | null;
  /** The provider's word: CREATED, SUCCESS, FAILED (Enkash); PENDING, SUCCESS, FAILURE, MANUAL_REVIEW (Juspay). */
  status: string;
  /** What it becomes at `dueAt`; null: pending for ever (refund_stuck). */
  outcome: RefundOutcome | null;
  dueAt: number | null;
  createdAt: string;
  finalAt: string | null;
  /** The bank's reference (Enkash bankTransactionId, Juspay refund_arn), once it succeeded. */
  arn: string | null;
  /** Juspay: the gateway's reference, once sent to the gateway. */
  ref: string | null;
  /** Enkash uniqueTransactionId. */
  uniqueTransactionId: string;
  sentToGateway: boolean;
  errorMessage: string | null;
}

const PENDING: Record<RefundProvider, string> = { enkash: 'CREATED', juspay: 'PENDING' };
const FINAL: Record<RefundProvider, Record<RefundOutcome, string>> = {
  enkash: { success: 'SUCCESS', failure: 'FAILED', manual_review: 'FAILED' },
  juspay: { success: 'SUCCESS', failure: 'FAILURE', manual_review: 'MANUAL_REVIEW' },
};
const FAILED = new Set(['FAILED', 'FAILURE', 'CANCELLED']);

export class RefundLedger {
  private byPayment = new Map<string, SandboxRefund[]>();
  private byRequest = new Map<string, SandboxRefund>();
  private byId = new Map<string, SandboxRefund>();
  private calls = new Map<string, number>();
  private timers = new Set<NodeJS.Timeout>();
  // Never reset: refund ids stay unique for the simulator's whole life, across resets.
  private counter = 0;

  constructor(
    /** How long a new refund stays pending. */
    public delayMs: number,
    private readonly onFinal: (refund: SandboxRefund) => void,
  ) {}

  /** Counts one refund request that reached the simulator for this payment (refused ones too). */
  countCall(provider: RefundProvider, paymentId: string): void {
    const key = `${provider}/${paymentId}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
  }

  callsFor(provider: RefundProvider, paymentId: string): number {
    return this.calls.get(`${provider}/${paymentId}`) ?? 0;
  }

  /** A payment's refunds, oldest first, final where their time has come. */
  list(provider: RefundProvider, paymentId: string): SandboxRefund[] {
    this.settle();
    return this.byPayment.get(`${provider}/${paymentId}`) ?? [];
  }

  byRequestId(provider: RefundProvider, requestId: string): SandboxRefund | undefined {
    this.settle();
    return this.byRequest.get(`${provider}/${requestId}`);
  }

  find(provider: RefundProvider, id: string): SandboxRefund | undefined {
    this.settle();
    return this.byId.get(`${provider}/${id}`);
  }

  all(): SandboxRefund[] {
    this.settle();
    return [...this.byId.values()].map((r) => ({ ...r }));
  }

  /** What is spoken for: every refund not failed (pending ones included), exact. */
  committed(provider: RefundProvider, paymentId: string): string {
    return addMoney(...this.list(provider, paymentId).filter((r) => !FAILED.has(r.status)).map((r) => r.amount));
  }

  /** What has gone back: succeeded refunds only, exact. */
  refunded(provider: RefundProvider, paymentId: string): string {
    return addMoney(...this.list(provider, paymentId).filter((r) => r.status === 'SUCCESS').map((r) => r.amount));
  }

  create(input: { provider: RefundProvider; paymentId: string; requestId: string; amount: string; remarks?: string | null; outcome: RefundOutcome | null }): SandboxRefund {
    const now = Date.now();
    const n = ++this.counter;
    const refund: SandboxRefund = {
      provider: input.provider,
      paymentId: input.paymentId,
      id: input.provider === 'enkash' ? `RFND${String(n).padStart(10, '0')}` : `rfnd_${randomBytes(6).toString('hex')}${n}`,
      requestId: input.requestId,
      amount: input.amount,
      remarks: input.remarks ?? null,
      status: PENDING[input.provider],
      outcome: input.outcome,
      dueAt: input.outcome ? now + this.delayMs : null,
      createdAt: new Date(now).toISOString(),
      finalAt: null,
      arn: null,
      ref: null,
      uniqueTransactionId: `EKR${randomBytes(5).toString('hex').toUpperCase()}`,
      sentToGateway: false,
      errorMessage: null,
    };
    const key = `${input.provider}/${input.paymentId}`;
    this.byPayment.set(key, [...(this.byPayment.get(key) ?? []), refund]);
    this.byRequest.set(`${input.provider}/${input.requestId}`, refund);
    this.byId.set(`${input.provider}/${refund.id}`, refund);
    if (refund.dueAt !== null) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.settle();
      }, this.delayMs);
      timer.unref();
      this.timers.add(timer);
    }
    return refund;
  }

  /** Makes every refund whose time has come final. Cheap: a simulator holds few refunds. */
  settle(now = Date.now()): void {
    for (const refund of this.byId.values()) {
      if (refund.outcome && refund.finalAt === null && refund.dueAt !== null && refund.dueAt <= now) this.finish(refund, refund.outcome);
    }
  }

  /**
   * Decides a refund now, whatever it was waiting for (a stuck one, or a manual review resolved by
   * hand); undefined when unknown. A final one is only changed from MANUAL_REVIEW.
   */
  resolve(provider: RefundProvider, id: string, outcome: RefundOutcome): SandboxRefund | undefined {
    const refund = this.byId.get(`${provider}/${id}`);
    if (!refund) return undefined;
    if (refund.finalAt === null || refund.status === 'MANUAL_REVIEW') this.finish(refund, outcome);
    return refund;
  }

  private finish(refund: SandboxRefund, outcome: RefundOutcome): void {
    refund.outcome = outcome;
    refund.status = FINAL[refund.provider][outcome];
    refund.finalAt = new Date().toISOString();
    if (outcome === 'success') {
      refund.arn = digits(12);
      refund.ref ??= digits(16);
      refund.sentToGateway = true;
      refund.errorMessage = null;
    } else if (outcome === 'failure') {
      refund.ref ??= digits(16);
      refund.sentToGateway = true;
      refund.errorMessage = 'Refund declined by the bank';
    } else {
      refund.errorMessage = 'Refund held for manual review';
    }
    this.onFinal(refund);
  }

  /** Forgets every refund (a reset); ids keep counting. */
  clear(): void {
    this.close();
    this.byPayment.clear();
    this.byRequest.clear();
    this.byId.clear();
    this.calls.clear();
  }

  /** Stops the timers (server close); reads still settle what is due. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');

/** A refund amount from a request body: decimal text (or a JSON number), canonical; null when not an amount. */
export function refundAmount(value: unknown): string | null {
  const parsed = parseMoney(typeof value === 'number' ? String(value) : value);
  return parsed.ok && parsed.value ? parsed.value : null;
}

/** `total − spoken for`, exact. */
export const amountLeft = (total: string, committed: string) => addMoney(total, `-${committed}`);

export const isPositive = (amount: string) => compareMoney(amount, '0') > 0;

/** Rupees as a provider prints them: at least two decimals ("200.0000" → "200.00", "0.1234" stays). */
export const rupees = (amount: string) => amount.replace(/0{1,2}$/, '');
