import { z } from 'zod';
import { json, type Route, type SandboxReply, type SandboxRequest } from './http';
import { ENDPOINTS, FAULT_MODES, SANDBOX_PROVIDERS, type Endpoint, type Fault, type SandboxProvider, type SandboxState, type SandboxTxn, type TxnPatch } from './state';
import { Traffic, TRAFFIC_MODES, type TrafficSettings, type TrafficStats } from './traffic';
import { postEnkashNotify, postJuspayWebhook, type Delivered } from './webhooks';

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
  /** Steady Enkash notify traffic (sandbox/traffic.ts): start, stop, or make it bad. */
  setTraffic(patch: Partial<TrafficSettings>): TrafficStats;
  traffic(): TrafficStats;
  /** Sends `count` notifications in the current traffic mode now; their HTTP statuses. */
  sendTraffic(count: number): Promise<number[]>;
}

export function createControl(state: SandboxState, payopsUrl: string | undefined): SandboxControl {
  const target = (url: string | undefined, path: string) => {
    if (url) return url;
    if (!payopsUrl) throw new ControlError('url is required (the simulator was started without a PayOps URL)');
    return `${payopsUrl.replace(/\/+$/, '')}${path}`;
  };
  const traffic = new Traffic(state, () => target(undefined, '/api/webhooks/enkash/notify'));
  return {
    setFault: (endpoint, fault) => state.setFault(endpoint, fault),
    clearFaults: () => state.clearFaults(),
    setTransaction: (provider, id, patch) => state.setTxn(provider, id, patch),
    transaction: (provider, id) => state.findTxn(provider, id),
    counts: () => ({ ...state.counts }),
    revokeTokens: () => state.revokeTokens(),
    issuedTokens: () => state.issuedTokens(),
    reset: () => {
      traffic.stop();
      state.reset();
    },
    sendEnkashNotify: (o) => postEnkashNotify(state, { ...o, url: target(o.url, '/api/webhooks/enkash/notify') }),
    sendJuspayWebhook: (o) => postJuspayWebhook({ ...o, url: target(o.url, '/api/webhooks/juspay') }),
    setTraffic: (patch) => {
      // Fails now, not on the first tick, when there is nowhere to send.
      if (!patch.url && patch.mode !== 'stopped') target(undefined, '/');
      return traffic.set(patch);
    },
    traffic: () => traffic.stats(),
    sendTraffic: (count) => traffic.burst(count),
  };
}

class ControlError extends Error {}

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
const trafficSchema = z.object({
  mode: z.enum(TRAFFIC_MODES).optional(),
  perMinute: z.number().int().min(0).max(6000).optional(),
  key: z.string().optional(),
  url: httpUrl.optional(),
  failShare: z.number().min(0).max(1).optional(),
});
const burstSchema = z.object({ count: z.number().int().min(1).max(1000) });
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
    { method: 'GET', path: '/__sandbox/traffic', handle: () => json(200, control.traffic()) },
    { method: 'POST', path: '/__sandbox/traffic', handle: withBody(trafficSchema, (patch) => json(200, control.setTraffic(patch))) },
    {
      method: 'POST',
      path: '/__sandbox/traffic/burst',
      handle: withBody(burstSchema, async ({ count }) => json(200, { statuses: await control.sendTraffic(count) })),
    },
    {
      method: 'POST',
      path: '/__sandbox/send/juspay',
      handle: withBody(juspaySendSchema, async (o) => json(200, await control.sendJuspayWebhook(o))),
    },
  ];
}
