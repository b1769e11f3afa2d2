import { randomBytes } from 'node:crypto';
import { BANKS, FIRST_NAMES, LAST_NAMES, SCHEMES } from '@/lib/demo/names';
import { JUSPAY_STATUS_IDS } from '@/lib/payments/status';
import { istNow, jsonText, RawNumber } from './http';
import type { PaymentRegistration, SandboxProvider, SandboxState } from './state';
import { post, type Delivered } from './webhooks';

/**
 * Demo traffic: a trickle of payments the simulator "takes" and notifies PayOps about, as Enkash
 * (Payment Notify Request) and Juspay (order webhooks) would. Every payment is registered in the
 * simulator's state first, so PayOps' status checks confirm it. Some are notified PENDING and get
 * their final notification later; now and then a payment's final status changes at the provider
 * with no notification ever sent, so PayOps' sweeper has something to find.
 *
 * Off unless asked: `npm start` in embedded demo mode sets SANDBOX_DEMO_TRAFFIC=1; tests and the
 * browser tests start it explicitly (control API `POST /__sandbox/traffic/start`) or not at all.
 * Pause, resume and bad deliveries (wrong secret → 401, malformed body → 400) are switchable, so
 * alert rules on silence and on refused deliveries can be seen firing and resolving.
 */

export type BadKind = 'wrong_secret' | 'malformed' | 'mixed';
export const BAD_KINDS: readonly BadKind[] = ['wrong_secret', 'malformed', 'mixed'];

export interface TrafficSettings {
  /** A new payment every minIntervalMs–maxIntervalMs (demo: 20–60 s). */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** A payment notified PENDING gets its final status this long after (demo: 30–120 s). */
  minFinalAfterMs: number;
  maxFinalAfterMs: number;
  /** Shares of new payments: Juspay rather than Enkash; notified PENDING first; PENDING whose final notification never comes. */
  juspayShare: number;
  pendingShare: number;
  lostShare: number;
}

export const DEMO_TRAFFIC: TrafficSettings = {
  minIntervalMs: 20_000,
  maxIntervalMs: 60_000,
  minFinalAfterMs: 30_000,
  maxFinalAfterMs: 120_000,
  juspayShare: 0.4,
  pendingShare: 0.3,
  lostShare: 0.08,
};

export interface TrafficOptions {
  /** PayOps' base URL (http://localhost:3000). */
  payopsUrl: string;
  /** ENKASH_WEBHOOK_SECRET, sent as `?key=`; unset: sent without (embedded PayOps accepts it, flagged). */
  enkashKey?: string;
  /** JUSPAY_WEBHOOK_USERNAME / PASSWORD for the Basic auth of Juspay webhooks. */
  juspayUsername?: string;
  juspayPassword?: string;
  /** How often the generator looks at its clock (1 s; tests use less). */
  tickMs?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export type TrafficPhase = 'off' | 'sending' | 'paused' | 'bad';

export interface TrafficStatus {
  phase: TrafficPhase;
  running: boolean;
  /** ISO time the pause ends; 'until resumed' for an open-ended pause; null when not paused. */
  pausedUntil: string | null;
  bad: { until: string; kind: BadKind; share: number } | null;
  settings: TrafficSettings;
  nextPaymentAt: string | null;
  /** Final statuses still to come (notified or silent). */
  scheduled: number;
  /** A delivery of the generator's own is on its way right now. */
  delivering: boolean;
  sent: { payments: number; notifications: number; bad: number; failed: number; byStatus: Record<string, number> };
  last: { at: string; provider: SandboxProvider; what: string; status: number | null } | null;
}

interface Scheduled {
  at: number;
  provider: SandboxProvider;
  id: string;
  status: string;
  /** 'notify': the final status and its notification; 'silent': the final status only, never notified. */
  kind: 'notify' | 'silent';
  attempts: number;
  deliver: () => Promise<Delivered>;
}

const RETRY_MS = 30_000;
const MAX_ATTEMPTS = 5;

export class DemoTraffic {
  private settings: TrafficSettings = { ...DEMO_TRAFFIC };
  private running = false;
  private pausedUntil: number | null = null;
  private badMode: { until: number; kind: BadKind; share: number } | null = null;
  private nextAt: number | null = null;
  private queue: Scheduled[] = [];
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  private counters = emptyCounters();
  private last: TrafficStatus['last'] = null;
  private badToggle = 0;
  private readonly random: () => number;

  constructor(
    private readonly state: SandboxState,
    private readonly options: TrafficOptions,
  ) {
    this.random = options.random ?? Math.random;
  }

  /** Starts (or re-tunes) the trickle; the first new payment comes one interval from now. */
  start(settings: Partial<TrafficSettings> = {}): TrafficStatus {
    this.settings = { ...this.settings, ...settings };
    if (this.settings.maxIntervalMs < this.settings.minIntervalMs) this.settings.maxIntervalMs = this.settings.minIntervalMs;
    if (this.settings.maxFinalAfterMs < this.settings.minFinalAfterMs) this.settings.maxFinalAfterMs = this.settings.minFinalAfterMs;
    this.running = true;
    this.nextAt = Date.now() + this.interval();
    this.timer ??= setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.timer.unref();
    this.log(`started: a payment every ${seconds(this.settings.minIntervalMs)}–${seconds(this.settings.maxIntervalMs)} s to ${this.options.payopsUrl}`);
    return this.status();
  }

  /** No new payments; finals already scheduled still go out. */
  stop(): TrafficStatus {
    this.running = false;
    this.nextAt = null;
    this.log('stopped');
    return this.status();
  }

  /** Nothing is sent (new payments, finals, bad deliveries) until `ms` from now, or until resumed. */
  pause(ms: number | null = null): TrafficStatus {
    this.pausedUntil = ms === null ? Infinity : Date.now() + ms;
    this.log(ms === null ? 'paused until resumed' : `paused for ${seconds(ms)} s`);
    return this.status();
  }

  /** Sends again: ends a pause and a bad-delivery spell. Finals held during a pause go out now. */
  resume(): TrafficStatus {
    this.pausedUntil = null;
    this.badMode = null;
    this.log('resumed');
    return this.status();
  }

  /** For `ms`, `share` of the deliveries are bad: a wrong secret (401) or a malformed body (400). */
  bad(options: { ms: number; kind?: BadKind; share?: number }): TrafficStatus {
    // Without a webhook secret PayOps accepts any key (flagged unauthenticated), so only a malformed body is refused.
    const kind = options.kind ?? (this.options.enkashKey ? 'mixed' : 'malformed');
    this.badMode = { until: Date.now() + options.ms, kind, share: options.share ?? 1 };
    this.pausedUntil = null;
    this.log(`bad deliveries (${kind}, ${Math.round((options.share ?? 1) * 100)}%) for ${seconds(options.ms)} s`);
    return this.status();
  }

  /** Drops what is scheduled for one payment (its status was changed by hand, or it is stuck). */
  cancel(provider: SandboxProvider, ids: (string | null)[]): void {
    this.queue = this.queue.filter((s) => !(s.provider === provider && ids.includes(s.id)));
  }

  /** Forgets everything and stops (the simulator's reset). */
  clear(): void {
    this.running = false;
    this.nextAt = null;
    this.pausedUntil = null;
    this.badMode = null;
    this.queue = [];
    this.counters = emptyCounters();
    this.last = null;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  status(): TrafficStatus {
    const now = Date.now();
    const paused = this.pausedUntil !== null && now < this.pausedUntil;
    const bad = this.badMode && now < this.badMode.until ? this.badMode : null;
    return {
      phase: paused ? 'paused' : bad ? 'bad' : this.running ? 'sending' : 'off',
      running: this.running,
      pausedUntil: paused ? (this.pausedUntil === Infinity ? 'until resumed' : new Date(this.pausedUntil!).toISOString()) : null,
      bad: bad && { until: new Date(bad.until).toISOString(), kind: bad.kind, share: bad.share },
      settings: { ...this.settings },
      nextPaymentAt: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
      scheduled: this.queue.length,
      delivering: this.busy,
      sent: { ...this.counters, byStatus: { ...this.counters.byStatus } },
      last: this.last,
    };
  }

  /** One new payment now: registered, then its first notification sent (PENDING or final). */
  async sendPayment(choice: { provider?: SandboxProvider; flow?: 'final' | 'pending' | 'lost'; success?: boolean } = {}): Promise<Delivered> {
    const s = this.settings;
    const provider = choice.provider ?? (this.random() < s.juspayShare ? 'juspay' : 'enkash');
    const roll = this.random();
    const flow = choice.flow ?? (roll < s.lostShare ? 'lost' : roll < s.lostShare + s.pendingShare ? 'pending' : 'final');
    const success = choice.success ?? this.random() < 0.85;
    const payment = provider === 'juspay' ? this.juspayPayment() : this.enkashPayment();
    const final = success ? payment.success : payment.failure;
    this.counters.payments += 1;
    const first = flow === 'final' ? final : payment.pending;
    this.state.register({ ...payment.registration, status: first });
    if (flow !== 'final') {
      this.queue.push({
        at: Date.now() + between(this.random(), s.minFinalAfterMs, s.maxFinalAfterMs),
        provider,
        id: payment.registration.id,
        status: final,
        kind: flow === 'lost' ? 'silent' : 'notify',
        attempts: 0,
        deliver: () => payment.notify(final),
      });
    }
    const send = () => payment.notify(first);
    const delivered = await this.deliver(provider, payment.registration.id, `${first} notification`, send);
    // Not taken (PayOps still starting, or down): retried like any notification.
    if (failed(delivered)) this.queue.push({ at: Date.now() + RETRY_MS, provider, id: payment.registration.id, status: first, kind: 'notify', attempts: 1, deliver: send });
    return delivered;
  }

  /** One bad delivery now: a wrong secret (401 where PayOps has one) or a malformed body (400). */
  async sendBad(kind: BadKind = this.badMode?.kind ?? 'malformed'): Promise<Delivered> {
    const which = kind === 'mixed' ? (this.badToggle++ % 2 === 0 ? 'wrong_secret' : 'malformed') : kind;
    // A wrong secret goes where PayOps has one to compare (elsewhere it is accepted, flagged unauthenticated).
    const secured: SandboxProvider[] = [
      ...(this.options.enkashKey ? (['enkash'] as const) : []),
      ...(this.options.juspayUsername && this.options.juspayPassword ? (['juspay'] as const) : []),
    ];
    const provider: SandboxProvider =
      which === 'wrong_secret' && secured.length === 1 ? secured[0] : this.random() < this.settings.juspayShare ? 'juspay' : 'enkash';
    this.counters.bad += 1;
    const payment = provider === 'juspay' ? this.juspayPayment() : this.enkashPayment();
    const send = which === 'wrong_secret' ? () => payment.notify(payment.success, { wrongSecret: true }) : () => payment.notifyMalformed();
    // Never registered: the provider knows nothing of a delivery that did not come from it.
    return this.deliver(provider, payment.registration.id, which === 'wrong_secret' ? 'delivery with a wrong secret' : 'malformed delivery', send);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.step(Date.now());
    } catch (err) {
      this.log(`step failed: ${(err as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async step(now: number): Promise<void> {
    if (this.pausedUntil !== null) {
      if (now < this.pausedUntil) return;
      this.pausedUntil = null;
      this.log('pause over: sending again');
    }
    if (this.badMode && now >= this.badMode.until) {
      this.badMode = null;
      this.log('bad deliveries over');
    }
    const due = this.queue.filter((s) => s.at <= now).sort((a, b) => a.at - b.at);
    for (const item of due) {
      this.queue.splice(this.queue.indexOf(item), 1);
      const txn = this.state.findTxn(item.provider, item.id);
      // A stuck payment never moves; one changed by hand meanwhile was cancelled already.
      if (!txn || txn.stuck) continue;
      if (item.attempts === 0) this.state.register({ provider: item.provider, id: item.id, status: item.status });
      if (item.kind === 'silent') {
        this.log(`${item.provider} ${item.id} is now ${item.status} at the provider; no notification will be sent`);
        continue;
      }
      const delivered = await this.deliver(item.provider, item.id, `${item.status} notification`, item.deliver);
      // A provider retries a notification the merchant did not take (unreachable, 5xx).
      if (failed(delivered) && item.attempts + 1 < MAX_ATTEMPTS) {
        this.queue.push({ ...item, at: now + RETRY_MS, attempts: item.attempts + 1 });
      }
    }
    if (this.running && this.nextAt !== null && now >= this.nextAt) {
      this.nextAt = now + this.interval();
      const bad = this.badMode && this.random() < this.badMode.share;
      await (bad ? this.sendBad() : this.sendPayment());
    }
  }

  private async deliver(provider: SandboxProvider, id: string, what: string, send: () => Promise<Delivered>): Promise<Delivered> {
    let delivered: Delivered;
    try {
      delivered = await send();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      delivered = { url: this.options.payopsUrl, status: 0, body: e.name === 'TimeoutError' ? 'no answer within 10 s' : (e.cause?.code ?? e.message) };
    }
    if (delivered.status === 0) this.counters.failed += 1;
    else this.counters.notifications += 1;
    const key = String(delivered.status || 'unreachable');
    this.counters.byStatus[key] = (this.counters.byStatus[key] ?? 0) + 1;
    this.last = { at: new Date().toISOString(), provider, what, status: delivered.status || null };
    this.log(`${provider} ${id}: ${what} → ${delivered.status || delivered.body}`);
    return delivered;
  }

  private interval(): number {
    return between(this.random(), this.settings.minIntervalMs, this.settings.maxIntervalMs);
  }

  private log(line: string): void {
    this.options.log?.(`traffic: ${line}`);
  }

  // ---- the payments ----

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private amount(): string {
    const rupees = Math.floor(100 + this.random() * (this.random() < 0.1 ? 50_000 : 5_000));
    return `${rupees}.${String(Math.floor(this.random() * 100)).padStart(2, '0')}`;
  }

  private enkashPayment(): DemoPayment {
    const id = `EK${Date.now()}${randomBytes(3).toString('hex')}`;
    const amount = this.amount();
    const card = this.random() < 0.6;
    const [bankCode, bankName] = this.pick(BANKS);
    const payload: Record<string, unknown> = {
      surcharge: '0.0000',
      surchargeGst: '0.0000',
      amount,
      finalAmount: amount,
      paymentMode: card ? 'CREDIT_CARD' : this.pick(['UPI', 'NET_BANKING', 'WALLET']),
      bankCode: card ? bankCode : null,
      bankName: card ? bankName : null,
      cardScheme: card ? this.pick(SCHEMES) : null,
      currency: 'INR',
      checksum: null,
      status: 'PENDING_WITH_BANK',
      transactionId: id,
      txnMsg: 'Transaction in progress.',
      txnDate: istNow(),
      uniqueTransactionId: `EK${randomBytes(5).toString('hex').toUpperCase()}`,
      maskedCardNumber: card ? `XXXX XXXX XXXX ${String(Math.floor(this.random() * 10_000)).padStart(4, '0')}` : null,
      cardHolderName: card ? `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}` : null,
      paymentToken: null,
      bankTransactionId: String(Math.floor(this.random() * 1e12)).padStart(12, '0'),
      mdr: null,
      mdrGst: null,
      transactionAmount: null,
      orderId: `ORD-${id.slice(-8)}`,
      orderStatus: 'ATTEMPTED',
      transactionStatus: null,
    };
    const words: Record<string, string> = { SUCCESS: 'Transaction successful.', FAILED: 'Transaction declined by bank.' };
    const body = (status: string) => ({
      ...payload,
      status,
      txnMsg: words[status] ?? 'Transaction in progress.',
      orderStatus: status === 'SUCCESS' ? 'PAID' : 'ATTEMPTED',
      // Enkash sends surcharges as JSON numbers with four decimals (its documented example).
      surcharge: new RawNumber('0.0000'),
      surchargeGst: new RawNumber('0.0000'),
    });
    const url = (key: string | undefined) => {
      const u = new URL('/api/webhooks/enkash/notify', this.options.payopsUrl);
      if (key) u.searchParams.set('key', key);
      return u;
    };
    const headers = { 'content-type': 'application/json' };
    return {
      registration: { provider: 'enkash', id, amount, payload },
      pending: 'PENDING_WITH_BANK',
      success: 'SUCCESS',
      failure: 'FAILED',
      notify: (status, o = {}) =>
        post(url(o.wrongSecret ? `wrong-${randomBytes(6).toString('hex')}` : this.options.enkashKey), headers, jsonText(body(status))),
      notifyMalformed: () => post(url(this.options.enkashKey), headers, jsonText(body('SUCCESS')).slice(0, 120)),
    };
  }

  private juspayPayment(): DemoPayment {
    const stamp = Date.now();
    const orderId = `DEMO${stamp}${randomBytes(2).toString('hex').toUpperCase()}`;
    const txnId = `payopsdemo-${orderId}-1`;
    const txnUuid = `demo${randomBytes(8).toString('hex')}`;
    const customerId = `cth_demo_${randomBytes(4).toString('hex')}`;
    const challengeId = `ch_demo_${randomBytes(4).toString('hex')}`;
    const amount = this.amount();
    const created = new Date(stamp).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const card = {
      last_four_digits: String(Math.floor(this.random() * 10_000)).padStart(4, '0'),
      card_isin: '44***6',
      card_brand: this.pick(['VISA', 'MASTERCARD', 'RUPAY']),
      card_type: this.pick(['CREDIT', 'DEBIT']),
      card_issuer: this.pick(BANKS)[1],
      name_on_card: `${this.pick(FIRST_NAMES)} ${this.pick(LAST_NAMES)}`,
    };
    const events: Record<string, string> = { PENDING_VBV: 'TXN_CREATED', CHARGED: 'ORDER_SUCCEEDED', AUTHENTICATION_FAILED: 'ORDER_FAILED' };
    const event = (status: string) => {
      const money = new RawNumber(amount);
      const failed = status === 'AUTHENTICATION_FAILED';
      return {
        id: `evt_V2_${randomBytes(16).toString('hex')}`,
        event_name: events[status] ?? 'ORDER_UPDATED',
        date_created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        content: {
          order: {
            id: `ordeh_${randomBytes(16).toString('hex')}`,
            order_id: orderId,
            merchant_id: this.state.credentials.JUSPAY_MERCHANT_ID,
            customer_id: customerId,
            status,
            status_id: JUSPAY_STATUS_IDS[status] ?? null,
            amount: money,
            effective_amount: money,
            currency: 'INR',
            date_created: created,
            txn_id: txnId,
            txn_uuid: txnUuid,
            payment_method_type: 'CARD',
            payment_method: card.card_brand,
            auth_type: 'OTP',
            bank_error_code: failed ? 'AUTH_FAILED' : '',
            bank_error_message: failed ? 'Authentication failed' : '',
            card,
            ...(status === 'PENDING_VBV'
              ? { payment: { authentication: { params: { id: txnUuid, challenge_id: challengeId, auth_type: 'OTP', resend_otp_allowed: true } } } }
              : {}),
            txn_detail: { txn_id: txnId, txn_uuid: txnUuid, order_id: orderId, status, txn_amount: money, net_amount: money, currency: 'INR', created },
            payment_gateway_response: { txn_id: txnId, resp_code: status === 'CHARGED' ? '00' : '', resp_message: failed ? 'Authentication failed' : status === 'CHARGED' ? 'Transaction successful' : 'Waiting for the OTP' },
          },
        },
      };
    };
    const url = new URL('/api/webhooks/juspay', this.options.payopsUrl);
    const auth = (wrong: boolean) => {
      const user = this.options.juspayUsername ?? 'payops-demo';
      const password = wrong ? `wrong-${randomBytes(6).toString('hex')}` : (this.options.juspayPassword ?? 'payops-demo');
      return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    };
    return {
      registration: { provider: 'juspay', id: txnId, orderId, txnUuid, customerId, challengeId, amount },
      pending: 'PENDING_VBV',
      success: 'CHARGED',
      failure: 'AUTHENTICATION_FAILED',
      notify: (status, o = {}) => post(url, { 'content-type': 'application/json', authorization: auth(!!o.wrongSecret) }, jsonText(event(status))),
      notifyMalformed: () => post(url, { 'content-type': 'application/json', authorization: auth(false) }, jsonText(event('CHARGED')).slice(0, 150)),
    };
  }
}

interface DemoPayment {
  registration: PaymentRegistration;
  pending: string;
  success: string;
  failure: string;
  notify: (status: string, options?: { wrongSecret?: boolean }) => Promise<Delivered>;
  notifyMalformed: () => Promise<Delivered>;
}

/** What `GET /__sandbox/traffic` answers before the traffic was ever started. */
export function idleTrafficStatus(): TrafficStatus {
  return { phase: 'off', running: false, pausedUntil: null, bad: null, settings: { ...DEMO_TRAFFIC }, nextPaymentAt: null, scheduled: 0, delivering: false, sent: emptyCounters(), last: null };
}

/** A delivery the provider would retry: PayOps unreachable or answering 5xx (a 4xx is a refusal, not retried). */
const failed = (d: Delivered) => d.status === 0 || d.status >= 500;
const emptyCounters = () => ({ payments: 0, notifications: 0, bad: 0, failed: 0, byStatus: {} as Record<string, number> });
const between = (r: number, min: number, max: number) => Math.round(min + r * (max - min));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
