import { randomBytes } from 'node:crypto';
import defaultCredentials from './credentials.json';

/** The simulator's memory: tokens, per-transaction OTP budgets, faults and counters. Nothing persists. */

export const ENDPOINTS = [
  'enkash.token',
  'enkash.resend',
  'enkash.validate',
  'enkash.status',
  'wallet.token',
  'wallet.otp',
  'juspay.resend',
  'juspay.authenticate',
] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const FAULT_MODES = ['ok', 'timeout', '5xx', 'garbage', '401'] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

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
}

export type TxnPatch = Partial<Pick<SandboxTxn, 'status' | 'timesOtpSent' | 'maxOtpSendLimit' | 'currentAttempt' | 'maxAttempts' | 'challengeId' | 'routingId' | 'payload'>>;

export interface StateOptions {
  budgets?: Partial<Record<SandboxProvider, number>>;
  tokenTtlMs?: number;
  credentials?: SandboxCredentials;
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

  constructor(options: StateOptions = {}) {
    this.credentials = options.credentials ?? defaultCredentials;
    this.budgets = { enkash: 3, enkash_wallet: 3, juspay: 3, ...options.budgets };
    this.tokenTtlMs = options.tokenTtlMs ?? 60_000;
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
    const key = `${provider}/${id}`;
    let txn = this.txns.get(key);
    if (!txn) {
      txn = {
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
      };
      this.txns.set(key, txn);
    }
    return txn;
  }

  findTxn(provider: SandboxProvider, id: string): SandboxTxn | undefined {
    return this.txns.get(`${provider}/${id}`);
  }

  setTxn(provider: SandboxProvider, id: string, patch: TxnPatch): SandboxTxn {
    return Object.assign(this.txn(provider, id), patch);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.counts = emptyCounts();
    this.faults.clear();
    this.tokens.clear();
    this.txns.clear();
  }

  snapshot() {
    return {
      counts: { ...this.counts },
      faults: Object.fromEntries(this.faults),
      transactions: [...this.txns.values()].map((t) => ({ ...t })),
    };
  }
}

function emptyCounts(): Record<Endpoint, number> {
  return Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<Endpoint, number>;
}
