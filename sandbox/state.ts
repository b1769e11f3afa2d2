import { randomBytes } from 'node:crypto';
import { compareMoney, parseMoney } from '@/lib/money';
import { DOCUMENTED_EXAMPLE } from '../test/enkash';
import defaultCredentials from './credentials.json';
import { REFUND_FAULT_MODES, RefundLedger, type RefundProvider, type SandboxRefund } from './refunds';

/**
 * The simulator's memory: tokens, the payments it knows (status, OTP budgets), faults and
 * counters. Nothing persists by itself; known-payment files and a journal (sandbox/known.ts) can
 * feed it and keep what it learns across restarts.
 */

export const ENDPOINTS = [
  'enkash.token',
  'enkash.resend',
  'enkash.validate',
  'enkash.status',
  'enkash.settlements',
  'enkash.refund',
  'wallet.token',
  'wallet.otp',
  'juspay.resend',
  'juspay.authenticate',
  'juspay.status',
  'juspay.refund',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const FAULT_MODES = ['ok', 'timeout', '5xx', 'garbage', '401', ...REFUND_FAULT_MODES] as const;
export type FaultMode = (typeof FAULT_MODES)[number];
/** Endpoints the refund faults (sandbox/refunds.ts) apply to. */
export const REFUND_ENDPOINTS: Partial<Record<Endpoint, RefundProvider>> = { 'enkash.refund': 'enkash', 'juspay.refund': 'juspay' };

export interface Fault {
  mode: FaultMode;
  /** Wait this long before doing anything (the request is still handled afterwards). */
  delayMs: number;
  /** Applies to this many more requests, then the endpoint is healthy again; null: until changed. */
  times: number | null;
}

export type SandboxProvider = 'enkash' | 'enkash_wallet' | 'juspay';
export const SANDBOX_PROVIDERS: readonly SandboxProvider[] = ['enkash', 'enkash_wallet', 'juspay'];

/** The credentials the simulator accepts, named by the PayOps variables that carry them. */
export type SandboxCredentials = typeof defaultCredentials;
export { defaultCredentials };

/** The only OTP the simulator accepts; every other value is refused. It is not a real OTP. */
export const SANDBOX_TEST_OTP = '123456';

export interface SandboxTxn {
  provider: SandboxProvider;
  /** Enkash transaction id, wallet `cardAccountId:enKashCardId`, or Juspay txn id. */
  id: string;
  status: string;
  /** Sends that reached the simulator for this transaction, refused and faulted ones included. */
  sendRequests: number;
  /** Sends the simulator accepted (Juspay `times_otp_sent`). */
  timesOtpSent: number;
  maxOtpSendLimit: number;
  currentAttempt: number;
  maxAttempts: number;
  challengeId: string | null;
  routingId: string | null;
  /** Enkash: what Get Transaction Status answers (a notify-shaped payload). */
  payload: Record<string, unknown> | null;
  /** Juspay: the order this attempt belongs to (the order status API is by order id). */
  orderId: string | null;
  /** Juspay: the attempt's txn_uuid, the id its OTP calls use (an alias of `id`). */
  txnUuid: string | null;
  /** The amount as exact decimal text ("1499.50"), when known. */
  amount: string | null;
  /** Kept open for ever: neither OTP calls nor the demo traffic move its status (control changes still do). */
  stuck: boolean;
}

export type TxnPatch = Partial<Pick<SandboxTxn, 'status' | 'timesOtpSent' | 'maxOtpSendLimit' | 'currentAttempt' | 'maxAttempts' | 'challengeId' | 'routingId' | 'payload'>>;

/** A payment the simulator is told about (control API, demo seed file, journal, demo traffic). */
export interface PaymentRegistration {
  provider: SandboxProvider;
  /** Enkash transactionId; Juspay txn_id of the attempt (or the order id for an order without one). */
  id: string;
  status?: string;
  amount?: string | null;
  orderId?: string | null;
  txnUuid?: string | null;
  /** Juspay customer id: the x-routing-id its OTP calls must carry. */
  customerId?: string | null;
  challengeId?: string | null;
  payload?: Record<string, unknown> | null;
  stuck?: boolean;
}

/** The payment every simulator knows from the start: the documented Enkash example (`npm run notify`). */
export const DOCUMENTED_PAYMENT: PaymentRegistration = (() => {
  const example = JSON.parse(DOCUMENTED_EXAMPLE) as Record<string, unknown>;
  return { provider: 'enkash', id: String(example.transactionId), status: String(example.status), amount: String(example.amount), payload: { ...example, paymentToken: null } };
})();

/** Registrations read from somewhere else; `read` applies only what is new since the last read. */
export interface PaymentSource {
  read(): void;
  /** The next read starts from the beginning again (after a reset). */
  rewind(): void;
}

export interface StateOptions {
  budgets?: Partial<Record<SandboxProvider, number>>;
  tokenTtlMs?: number;
  credentials?: SandboxCredentials;
  /** How long a refund stays pending before it becomes final (1500 ms; tests use less). */
  refundDelayMs?: number;
}

const INITIAL_STATUS: Record<SandboxProvider, string> = {
  enkash: 'PENDING_WITH_BANK',
  enkash_wallet: 'PENDING',
  juspay: 'PENDING_VBV',
};

export class SandboxState {
  readonly credentials: SandboxCredentials;
  readonly budgets: Record<SandboxProvider, number>;
  readonly tokenTtlMs: number;
  counts = emptyCounts();
  private faults = new Map<Endpoint, Fault>();
  private tokens = new Map<string, { kind: 'enkash' | 'wallet'; expiresAt: number }>();
  private txns = new Map<string, SandboxTxn>();
  /** Bumped by every registration and reset: what the settlement book's cache is keyed on. */
  version = 0;
  // Juspay: txn_uuid → the attempt's key (OTP calls name the uuid), order id → its latest attempt's key.
  private aliases = new Map<string, string>();
  private orders = new Map<string, string>();
  /** Read when a lookup misses: known-payment files written by another process (sandbox/known.ts). */
  private sources: PaymentSource[] = [];
  /** Told every registration and status change made through `register` (the journal). */
  onRegister: ((registration: PaymentRegistration) => void) | null = null;
  /** Refunds of Enkash payments and Juspay orders (sandbox/refunds.ts). */
  readonly refunds: RefundLedger;
  /** Told once when a refund becomes final, after the payment's own status has followed (Juspay webhooks). */
  onRefundFinal: ((refund: SandboxRefund) => void) | null = null;

  constructor(options: StateOptions = {}) {
    this.credentials = options.credentials ?? defaultCredentials;
    this.budgets = { enkash: 3, enkash_wallet: 3, juspay: 3, ...options.budgets };
    this.tokenTtlMs = options.tokenTtlMs ?? 60_000;
    this.refunds = new RefundLedger(options.refundDelayMs ?? 1500, (refund) => this.refundFinal(refund));
    this.register(DOCUMENTED_PAYMENT, { quiet: true });
  }

  /**
   * An Enkash payment shows its refunds in its own status (PARTIALLY_REFUNDED / REFUNDED, DESIGN.md
   * "Enkash Refund"); a Juspay order stays CHARGED and tells by amount_refunded instead.
   */
  private refundFinal(refund: SandboxRefund): void {
    if (refund.provider === 'enkash' && refund.status === 'SUCCESS') {
      const txn = this.findTxn('enkash', refund.paymentId);
      const total = txn ? paymentAmount(txn) : null;
      if (txn && total) {
        const refunded = this.refunds.refunded('enkash', txn.id);
        this.register({ provider: 'enkash', id: txn.id, status: compareMoney(refunded, total) >= 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED' });
      }
    }
    try {
      this.onRefundFinal?.(refund);
    } catch {
      // a webhook that cannot be built or sent never breaks the refund itself
    }
  }

  setFault(endpoint: Endpoint, fault: Partial<Fault>): Fault {
    const next: Fault = { mode: fault.mode ?? 'ok', delayMs: fault.delayMs ?? 0, times: fault.times ?? null };
    if (next.mode === 'ok' && next.delayMs === 0) this.faults.delete(endpoint);
    else this.faults.set(endpoint, next);
    return next;
  }

  /** The fault to apply to one request to `endpoint`, counting down a limited one. */
  takeFault(endpoint: Endpoint): Fault | null {
    const fault = this.faults.get(endpoint);
    if (!fault) return null;
    if (fault.times !== null) {
      if (fault.times <= 1) this.faults.delete(endpoint);
      else fault.times -= 1;
    }
    return fault;
  }

  issueToken(kind: 'enkash' | 'wallet'): { value: string; expiresAt: number } {
    const value = randomBytes(18).toString('base64url');
    const expiresAt = Date.now() + this.tokenTtlMs;
    this.tokens.set(value, { kind, expiresAt });
    return { value, expiresAt };
  }

  tokenValid(kind: 'enkash' | 'wallet', value: string | null): boolean {
    const token = value ? this.tokens.get(value) : undefined;
    if (!token || token.kind !== kind) return false;
    if (token.expiresAt <= Date.now()) {
      this.tokens.delete(value!);
      return false;
    }
    return true;
  }

  /** Every issued token stops working (as after a provider-side key rotation). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** Token values issued so far (tests check none of them leaks into an error). */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** The transaction, created on first touch with the provider's default budget. */
  txn(provider: SandboxProvider, id: string): SandboxTxn {
    const found = this.findTxn(provider, id);
    if (found) return found;
    const txn = this.blank(provider, id);
    this.txns.set(`${provider}/${id}`, txn);
    return txn;
  }

  /** A known transaction by its id or (Juspay) its txn_uuid; known-payment files are read again on a miss. */
  findTxn(provider: SandboxProvider, id: string): SandboxTxn | undefined {
    return this.lookup(provider, id) ?? (this.refresh(), this.lookup(provider, id));
  }

  /** Juspay: the latest attempt of an order (or a payment registered under the order id itself). */
  findOrder(orderId: string): SandboxTxn | undefined {
    const lookup = () => {
      const key = this.orders.get(orderId);
      return (key ? this.txns.get(key) : undefined) ?? this.txns.get(`juspay/${orderId}`);
    };
    return lookup() ?? (this.refresh(), lookup());
  }

  /** By id, txn_uuid or (Juspay) order id: what a control request may name. */
  findPayment(provider: SandboxProvider, id: string): SandboxTxn | undefined {
    return this.findTxn(provider, id) ?? (provider === 'juspay' ? this.findOrder(id) : undefined);
  }

  /** Every transaction known now (settlement payouts are made from these). */
  allTxns(): IterableIterator<SandboxTxn> {
    this.refresh();
    return this.txns.values();
  }

  setTxn(provider: SandboxProvider, id: string, patch: TxnPatch): SandboxTxn {
    this.version++;
    return Object.assign(this.txn(provider, id), patch);
  }

  /**
   * Makes a payment known, or updates one: given fields replace the old ones. A Juspay attempt
   * becomes its order's latest, and its txn_uuid an alias (OTP budgets counted under the uuid
   * before are kept). Nothing is sent to PayOps: that is the caller's business.
   */
  register(r: PaymentRegistration, options: { quiet?: boolean } = {}): SandboxTxn {
    this.version++;
    const key = `${r.provider}/${r.id}`;
    const txn = this.txns.get(key) ?? this.blank(r.provider, r.id);
    this.txns.set(key, txn);
    if (r.status !== undefined) txn.status = r.status;
    if (r.amount !== undefined) txn.amount = r.amount;
    if (r.payload !== undefined) txn.payload = r.payload;
    if (r.stuck !== undefined) txn.stuck = r.stuck;
    if (r.customerId !== undefined) txn.routingId = r.customerId;
    if (r.challengeId !== undefined) txn.challengeId = r.challengeId;
    if (r.orderId !== undefined) {
      txn.orderId = r.orderId;
      if (r.orderId) this.orders.set(r.orderId, key);
    }
    if (r.txnUuid !== undefined) {
      txn.txnUuid = r.txnUuid;
      if (r.txnUuid && r.txnUuid !== r.id) {
        const aliasKey = `${r.provider}/${r.txnUuid}`;
        const before = this.txns.get(aliasKey);
        if (before && before !== txn) {
          // OTP calls reached the simulator under the uuid before it learnt the payment: one budget, not two.
          Object.assign(txn, { sendRequests: before.sendRequests, timesOtpSent: before.timesOtpSent, currentAttempt: before.currentAttempt });
          txn.routingId ??= before.routingId;
          txn.challengeId ??= before.challengeId;
          this.txns.delete(aliasKey);
        }
        this.aliases.set(aliasKey, key);
      }
    }
    if (!options.quiet) this.onRegister?.({ ...r });
    return txn;
  }

  /** A known-payment file, read now and again whenever a lookup misses (see sandbox/known.ts). */
  addSource(source: PaymentSource): void {
    this.sources.push(source);
    source.read();
  }

  private refresh(): void {
    for (const source of this.sources) source.read();
  }

  private lookup(provider: SandboxProvider, id: string): SandboxTxn | undefined {
    const key = `${provider}/${id}`;
    return this.txns.get(key) ?? this.txns.get(this.aliases.get(key) ?? '');
  }

  private blank(provider: SandboxProvider, id: string): SandboxTxn {
    return {
      provider,
      id,
      status: INITIAL_STATUS[provider],
      sendRequests: 0,
      timesOtpSent: 0,
      maxOtpSendLimit: this.budgets[provider],
      currentAttempt: 0,
      maxAttempts: 3,
      challengeId: null,
      routingId: null,
      payload: null,
      orderId: null,
      txnUuid: null,
      amount: null,
      stuck: false,
    };
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forgets everything but the documented example; known-payment files are read again from the start on the next miss. */
  reset(): void {
    this.version++;
    this.counts = emptyCounts();
    this.faults.clear();
    this.tokens.clear();
    this.txns.clear();
    this.aliases.clear();
    this.orders.clear();
    this.refunds.clear();
    this.register(DOCUMENTED_PAYMENT, { quiet: true });
    for (const source of this.sources) source.rewind();
  }

  snapshot() {
    return {
      counts: { ...this.counts },
      faults: Object.fromEntries(this.faults),
      transactions: [...this.txns.values()].map((t) => ({ ...t })),
      refunds: this.refunds.all(),
    };
  }
}

/** A payment's amount as exact text: the registered amount, else its Enkash payload's amount. */
export function paymentAmount(txn: SandboxTxn): string | null {
  for (const v of [txn.amount, txn.payload?.amount, txn.payload?.finalAmount]) {
    const parsed = typeof v === 'string' ? parseMoney(v) : null;
    if (parsed?.ok && parsed.value) return parsed.value;
  }
  return null;
}

function emptyCounts(): Record<Endpoint, number> {
  return Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<Endpoint, number>;
}
