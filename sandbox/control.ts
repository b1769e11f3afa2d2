import { z } from 'zod';
import { json, type Route, type SandboxReply, type SandboxRequest } from './http';
import { registrationSchema } from './known';
import {
  ENDPOINTS,
  FAULT_MODES,
  REFUND_ENDPOINTS,
  SANDBOX_PROVIDERS,
  type Endpoint,
  type Fault,
  type PaymentRegistration,
  type SandboxProvider,
  type SandboxState,
  type SandboxTxn,
  type TxnPatch,
} from './state';
import { BAD_KINDS, DemoTraffic, idleTrafficStatus, type BadKind, type TrafficOptions, type TrafficSettings, type TrafficStatus } from './traffic';
import { postEnkashNotify, postJuspayWebhook, type Delivered } from './webhooks';
import { SETTLEMENT_FAULTS, SettlementBook, type SettlementFault, type SettlementPlan } from './settlements';
import { REFUND_FAULT_MODES, REFUND_FAULT_PROVIDERS, type RefundOutcome, type RefundProvider, type SandboxRefund } from './refunds';
import { RefundWebhooks, type RefundWebhookDelivery } from './refund-webhooks';

/** What tests and people can change in a running simulator: in process (`control`) or over HTTP under /__sandbox. */
export interface SandboxControl {
  setFault(endpoint: Endpoint, fault: Partial<Fault>): Fault;
  clearFaults(): void;
  setTransaction(provider: SandboxProvider, id: string, patch: TxnPatch): SandboxTxn;
  transaction(provider: SandboxProvider, id: string): SandboxTxn | undefined;
  /** Requests that reached each endpoint (faulted and refused ones included). */
  counts(): Record<Endpoint, number>;
  revokeTokens(): void;
  issuedTokens(): string[];
  reset(): void;
  sendEnkashNotify(options: { url?: string; key?: string; payload?: Record<string, unknown> }): Promise<Delivered>;
  sendJuspayWebhook(options: { url?: string; username: string; password: string; event?: Record<string, unknown> }): Promise<Delivered>;
  /** Makes a payment known (or updates it), so status checks answer for it. Sends nothing. */
  registerPayment(registration: PaymentRegistration): SandboxTxn;
  /** Changes a known payment's status without any notification; undefined when it is not known. */
  setPaymentStatus(provider: SandboxProvider, id: string, status: string): SandboxTxn | undefined;
  /** Keeps a known payment open for ever (or lets it go again); undefined when it is not known. */
  setPaymentStuck(provider: SandboxProvider, id: string, stuck: boolean, status?: string): SandboxTxn | undefined;
  /** The demo traffic generator (sandbox/traffic.ts). */
  traffic: {
    status(): TrafficStatus;
    start(settings?: Partial<TrafficSettings>): TrafficStatus;
    stop(): TrafficStatus;
    pause(ms?: number | null): TrafficStatus;
    resume(): TrafficStatus;
    bad(options: { ms: number; kind?: BadKind; share?: number }): TrafficStatus;
    sendPayment(choice?: Parameters<DemoTraffic['sendPayment']>[0]): Promise<Delivered>;
    sendBad(kind?: BadKind): Promise<Delivered>;
  };
  /** Settlement payouts: their fault plan (sandbox/settlements.ts). */
  settlements: {
    plan(): SettlementPlan;
    setPlan(plan: Partial<SettlementPlan>): SettlementPlan;
  };
  /** Refunds (sandbox/refunds.ts); their faults are ordinary faults of `enkash.refund` / `juspay.refund`. */
  refunds: {
    /** A payment's refunds and the refund calls that reached the simulator for it; undefined when the payment is unknown. */
    of(provider: RefundProvider, id: string): PaymentRefunds | undefined;
    all(): SandboxRefund[];
    /** How long a new refund stays pending (ms). */
    delayMs(): number;
    setDelayMs(ms: number): number;
    /** Decides a refund now (a stuck one, or a manual review resolved); undefined when unknown. */
    resolve(provider: RefundProvider, refundId: string, outcome: RefundOutcome): SandboxRefund | undefined;
    /** Juspay refund webhooks sent to PayOps so far. */
    webhooks(): RefundWebhookDelivery[];
  };
  /** Stops the traffic's and the refunds' timers (server close). */
  close(): void;
}

export interface PaymentRefunds {
  provider: RefundProvider;
  /** Enkash transactionId, Juspay order id. */
  paymentId: string;
  /** Refund requests that reached the simulator for this payment, refused and faulted ones included. */
  calls: number;
  refunds: SandboxRefund[];
}

export function createControl(
  state: SandboxState,
  payopsUrl: string | undefined,
  trafficOptions: Omit<TrafficOptions, 'payopsUrl'> = {},
  book: SettlementBook = new SettlementBook(state),
): SandboxControl {
  const target = (url: string | undefined, path: string) => {
    if (url) return url;
    if (!payopsUrl) throw new ControlError('url is required (the simulator was started without a PayOps URL)');
    return `${payopsUrl.replace(/\/+$/, '')}${path}`;
  };
  let generator: DemoTraffic | null = null;
  const traffic = () => {
    if (!payopsUrl) throw new ControlError('demo traffic needs a PayOps URL (the simulator was started without one)');
    generator ??= new DemoTraffic(state, { ...trafficOptions, payopsUrl });
    return generator;
  };
  // Juspay refunds that become final are told to PayOps as Juspay would, when it has a PayOps URL.
  const refundHooks = new RefundWebhooks(state, payopsUrl, trafficOptions);
  state.onRefundFinal = (refund) => refundHooks.refundFinal(refund);
  const paymentRefunds = (provider: RefundProvider, id: string): PaymentRefunds | undefined => {
    const txn = state.findPayment(provider, id);
    if (!txn) return undefined;
    const paymentId = provider === 'juspay' ? (txn.orderId ?? txn.id) : txn.id;
    return { provider, paymentId, calls: state.refunds.callsFor(provider, paymentId), refunds: state.refunds.list(provider, paymentId).map((r) => ({ ...r })) };
  };
  // A payment changed by hand must not be moved again by a final the traffic had scheduled.
  const handChanged = (txn: SandboxTxn) => generator?.cancel(txn.provider, [txn.id, txn.txnUuid]);
  return {
    setFault: (endpoint, fault) => {
      const refundFor = REFUND_ENDPOINTS[endpoint];
      const mode = fault.mode as (typeof REFUND_FAULT_MODES)[number] | undefined;
      if (mode && (REFUND_FAULT_MODES as readonly string[]).includes(mode) && !(refundFor && REFUND_FAULT_PROVIDERS[mode].includes(refundFor))) {
        throw new ControlError(`${mode} is not a fault of ${endpoint} (refund faults: ${Object.entries(REFUND_FAULT_PROVIDERS).map(([m, p]) => `${m} on ${p.map((x) => `${x}.refund`).join('/')}`).join(', ')})`);
      }
      return state.setFault(endpoint, fault);
    },
    clearFaults: () => state.clearFaults(),
    setTransaction: (provider, id, patch) => state.setTxn(provider, id, patch),
    transaction: (provider, id) => state.findTxn(provider, id),
    counts: () => ({ ...state.counts }),
    revokeTokens: () => state.revokeTokens(),
    issuedTokens: () => state.issuedTokens(),
    reset: () => {
      generator?.clear();
      state.reset();
    },
    sendEnkashNotify: (o) => postEnkashNotify(state, { ...o, url: target(o.url, '/api/webhooks/enkash/notify') }),
    sendJuspayWebhook: (o) => postJuspayWebhook({ ...o, url: target(o.url, '/api/webhooks/juspay') }),
    registerPayment: (r) => state.register(r),
    setPaymentStatus: (provider, id, status) => {
      const txn = state.findPayment(provider, id);
      if (!txn) return undefined;
      handChanged(txn);
      return state.register({ provider, id: txn.id, status });
    },
    setPaymentStuck: (provider, id, stuck, status) => {
      const txn = state.findPayment(provider, id);
      if (!txn) return undefined;
      if (stuck) handChanged(txn);
      return state.register({ provider, id: txn.id, stuck, ...(status ? { status } : {}) });
    },
    traffic: {
      status: () => generator?.status() ?? idleTrafficStatus(),
      start: (settings) => traffic().start(settings),
      stop: () => traffic().stop(),
      pause: (ms) => traffic().pause(ms ?? null),
      resume: () => traffic().resume(),
      bad: (o) => traffic().bad(o),
      sendPayment: (choice) => traffic().sendPayment(choice),
      sendBad: (kind) => traffic().sendBad(kind),
    },
    settlements: { plan: () => book.plan, setPlan: (plan) => book.setPlan(plan) },
    refunds: {
      of: paymentRefunds,
      all: () => state.refunds.all(),
      delayMs: () => state.refunds.delayMs,
      setDelayMs: (ms) => (state.refunds.delayMs = ms),
      resolve: (provider, refundId, outcome) => {
        const r = state.refunds.resolve(provider, refundId, outcome);
        return r && { ...r };
      },
      webhooks: () => refundHooks.deliveries(),
    },
    close: () => {
      generator?.close();
      state.refunds.close();
      refundHooks.close();
    },
  };
}

export class ControlError extends Error {}

const httpUrl = z.string().refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) URL');
const count = z.number().int().min(0).max(1_000_000);
const object = z.record(z.string(), z.unknown());

const faultSchema = z.object({
  endpoint: z.enum(ENDPOINTS),
  mode: z.enum(FAULT_MODES).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  times: z.number().int().min(1).nullable().optional(),
});

const txnSchema = z.object({
  provider: z.enum(SANDBOX_PROVIDERS as [SandboxProvider, ...SandboxProvider[]]),
  id: z.string().min(1).max(200),
  status: z.string().min(1).max(64).optional(),
  timesOtpSent: count.optional(),
  maxOtpSendLimit: count.optional(),
  currentAttempt: count.optional(),
  maxAttempts: count.optional(),
  challengeId: z.string().min(1).max(200).nullable().optional(),
  routingId: z.string().min(1).max(200).nullable().optional(),
  payload: object.nullable().optional(),
});

const enkashNotifySchema = z.object({ url: httpUrl.optional(), key: z.string().optional(), payload: object.optional() });

const providerSchema = z.enum(SANDBOX_PROVIDERS as [SandboxProvider, ...SandboxProvider[]]);
const paymentStatusSchema = z.object({ provider: providerSchema, id: z.string().min(1).max(200), status: z.string().trim().min(1).max(64) });
const paymentStuckSchema = z.object({
  provider: providerSchema,
  id: z.string().min(1).max(200),
  stuck: z.boolean().default(true),
  status: z.string().trim().min(1).max(64).optional(),
});
const minutes = z.number().positive().max(24 * 60);
const ms = z.number().int().min(1).max(24 * 3_600_000);
const trafficStartSchema = z.object({
  minIntervalMs: ms.optional(),
  maxIntervalMs: ms.optional(),
  minFinalAfterMs: ms.optional(),
  maxFinalAfterMs: ms.optional(),
  juspayShare: z.number().min(0).max(1).optional(),
  pendingShare: z.number().min(0).max(1).optional(),
  lostShare: z.number().min(0).max(1).optional(),
});
// Minutes for people (`npm run sandbox -- traffic pause 10`), milliseconds for tests.
const trafficPauseSchema = z.object({ minutes: minutes.optional(), ms: ms.optional() });
const trafficBadSchema = z.object({
  minutes: minutes.optional(),
  ms: ms.optional(),
  kind: z.enum(BAD_KINDS as [BadKind, ...BadKind[]]).optional(),
  share: z.number().min(0).max(1).optional(),
});
const trafficSendSchema = z.object({
  bad: z.enum(BAD_KINDS as [BadKind, ...BadKind[]]).optional(),
  provider: z.enum(['enkash', 'juspay']).optional(),
  flow: z.enum(['final', 'pending', 'lost']).optional(),
  success: z.boolean().optional(),
});
const faultList = z.array(z.enum(SETTLEMENT_FAULTS as unknown as [SettlementFault, ...SettlementFault[]]));
const settlementPlanSchema = z.object({
  chances: z.partialRecord(z.enum(SETTLEMENT_FAULTS as unknown as [SettlementFault, ...SettlementFault[]]), z.number().min(0).max(1)).optional(),
  featured: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), faultList).optional(),
});
const refundProviderSchema = z.enum(['enkash', 'juspay']);
const refundSettingsSchema = z.object({ delayMs: z.number().int().min(0).max(24 * 3_600_000) });
const refundResolveSchema = z.object({ provider: refundProviderSchema, id: z.string().min(1).max(200), outcome: z.enum(['success', 'failure', 'manual_review']) });
const duration = (o: { minutes?: number; ms?: number }, fallback: number | null) => o.ms ?? (o.minutes !== undefined ? Math.round(o.minutes * 60_000) : fallback);
const juspaySendSchema = z.object({ url: httpUrl.optional(), username: z.string(), password: z.string(), event: object.optional() });

/** Parses the body with `schema`, runs `fn`; bad input is a 400, an unreachable PayOps a 502. */
function withBody<S extends z.ZodType>(schema: S, fn: (input: z.infer<S>) => SandboxReply | Promise<SandboxReply>) {
  return async (req: SandboxRequest): Promise<SandboxReply> => {
    const parsed = schema.safeParse(req.body ?? {});
    if (!parsed.success) {
      return json(400, { error: 'invalid_input', issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
    }
    try {
      return await fn(parsed.data);
    } catch (err) {
      if (err instanceof ControlError) return json(400, { error: 'invalid_input', issues: [err.message] });
      const e = err as Error & { cause?: { code?: string } };
      return json(502, { error: 'delivery_failed', message: e.name === 'TimeoutError' ? 'no answer within 10 s' : (e.cause?.code ?? e.message) });
    }
  };
}

export function controlRoutes(control: SandboxControl): Route[] {
  return [
    { method: 'GET', path: '/__sandbox/health', handle: () => json(200, { ok: true }) },
    { method: 'GET', path: '/__sandbox/state', handle: (_req, state) => json(200, state.snapshot()) },
    {
      method: 'POST',
      path: '/__sandbox/reset',
      handle: () => {
        control.reset();
        return json(200, { ok: true });
      },
    },
    { method: 'POST', path: '/__sandbox/faults', handle: withBody(faultSchema, ({ endpoint, ...fault }) => json(200, control.setFault(endpoint, fault))) },
    {
      method: 'DELETE',
      path: '/__sandbox/faults',
      handle: () => {
        control.clearFaults();
        return json(200, { ok: true });
      },
    },
    {
      method: 'POST',
      path: '/__sandbox/transactions',
      handle: withBody(txnSchema, ({ provider, id, ...patch }) => json(200, control.setTransaction(provider, id, patch))),
    },
    {
      method: 'POST',
      path: '/__sandbox/tokens/revoke',
      handle: () => {
        control.revokeTokens();
        return json(200, { ok: true });
      },
    },
    {
      method: 'POST',
      path: '/__sandbox/send/enkash-notify',
      handle: withBody(enkashNotifySchema, async (o) => json(200, await control.sendEnkashNotify(o))),
    },
    {
      method: 'POST',
      path: '/__sandbox/send/juspay',
      handle: withBody(juspaySendSchema, async (o) => json(200, await control.sendJuspayWebhook(o))),
    },
    {
      method: 'POST',
      path: '/__sandbox/payments',
      handle: withBody(registrationSchema, (r) => json(200, control.registerPayment(r))),
    },
    {
      method: 'POST',
      path: '/__sandbox/payments/status',
      handle: withBody(paymentStatusSchema, ({ provider, id, status }) => known(control.setPaymentStatus(provider, id, status))),
    },
    {
      method: 'POST',
      path: '/__sandbox/payments/stuck',
      handle: withBody(paymentStuckSchema, ({ provider, id, stuck, status }) => known(control.setPaymentStuck(provider, id, stuck, status))),
    },
    {
      method: 'GET',
      path: '/__sandbox/refunds',
      handle: () => json(200, { delayMs: control.refunds.delayMs(), calls: { enkash: control.counts()['enkash.refund'], juspay: control.counts()['juspay.refund'] }, refunds: control.refunds.all(), webhooks: control.refunds.webhooks() }),
    },
    {
      method: 'GET',
      path: '/__sandbox/refunds/:provider/:id',
      handle: (req) => {
        const provider = refundProviderSchema.safeParse(req.params.provider);
        const found = provider.success ? control.refunds.of(provider.data, req.params.id) : undefined;
        return found ? json(200, found) : json(404, { error: 'not_found', message: 'The simulator does not know that payment (provider enkash or juspay).' });
      },
    },
    { method: 'POST', path: '/__sandbox/refunds/settings', handle: withBody(refundSettingsSchema, ({ delayMs }) => json(200, { delayMs: control.refunds.setDelayMs(delayMs) })) },
    {
      method: 'POST',
      path: '/__sandbox/refunds/resolve',
      handle: withBody(refundResolveSchema, ({ provider, id, outcome }) => {
        const r = control.refunds.resolve(provider, id, outcome);
        return r ? json(200, r) : json(404, { error: 'not_found', message: 'No such refund.' });
      }),
    },
    { method: 'GET', path: '/__sandbox/settlements/plan', handle: () => json(200, control.settlements.plan()) },
    { method: 'POST', path: '/__sandbox/settlements/plan', handle: withBody(settlementPlanSchema, (p) => json(200, control.settlements.setPlan(p))) },
    { method: 'GET', path: '/__sandbox/traffic', handle: () => json(200, control.traffic.status()) },
    { method: 'POST', path: '/__sandbox/traffic/start', handle: withBody(trafficStartSchema, (o) => json(200, control.traffic.start(o))) },
    { method: 'POST', path: '/__sandbox/traffic/stop', handle: withBody(z.object({}), () => json(200, control.traffic.stop())) },
    { method: 'POST', path: '/__sandbox/traffic/pause', handle: withBody(trafficPauseSchema, (o) => json(200, control.traffic.pause(duration(o, null)))) },
    { method: 'POST', path: '/__sandbox/traffic/resume', handle: withBody(z.object({}), () => json(200, control.traffic.resume())) },
    {
      method: 'POST',
      path: '/__sandbox/traffic/bad',
      handle: withBody(trafficBadSchema, (o) => json(200, control.traffic.bad({ ms: duration(o, 5 * 60_000)!, kind: o.kind, share: o.share }))),
    },
    {
      method: 'POST',
      path: '/__sandbox/traffic/send',
      handle: withBody(trafficSendSchema, async (o) =>
        json(200, await (o.bad ? control.traffic.sendBad(o.bad) : control.traffic.sendPayment({ provider: o.provider, flow: o.flow, success: o.success }))),
      ),
    },
  ];
}

const known = (txn: SandboxTxn | undefined) => (txn ? json(200, txn) : json(404, { error: 'not_found', message: 'The simulator does not know that payment: register it first.' }));
