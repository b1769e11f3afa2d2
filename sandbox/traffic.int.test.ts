import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './server';
import { capturePayops } from './testing';
import type { TrafficStatus } from './traffic';

const KEY = 'traffic-secret';
const PASSWORD = 'traffic-hook-pass';
let sandbox: Sandbox;
let payops: Awaited<ReturnType<typeof capturePayops>>;

// Fast enough for a test: a payment every 40–60 ms, finals 80–120 ms later, a clock tick every 10 ms.
const FAST = { minIntervalMs: 40, maxIntervalMs: 60, minFinalAfterMs: 80, maxFinalAfterMs: 120 };
// The same finals, but no new payment of its own within a test: payments are sent by hand.
const BY_HAND = { ...FAST, minIntervalMs: 3_600_000, maxIntervalMs: 3_600_000 };

beforeAll(async () => {
  payops = await capturePayops({ enkashKey: KEY, juspayPassword: PASSWORD });
  sandbox = await startSandbox({
    payopsUrl: payops.url,
    webhookAuth: { enkashKey: KEY, juspayUsername: 'payops', juspayPassword: PASSWORD },
    trafficTickMs: 10,
  });
});
afterEach(() => {
  sandbox.control.reset();
  payops.received.length = 0;
});
afterAll(async () => {
  await sandbox.close();
  await payops.close();
});

const control = (path: string, json: unknown = {}) =>
  fetch(`${sandbox.url}/__sandbox/traffic${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
const trafficStatus = async () => (await (await fetch(`${sandbox.url}/__sandbox/traffic`)).json()) as TrafficStatus;
const until = async (what: string, ok: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};
const waitFor = async (what: string, ok: (s: TrafficStatus) => boolean) => {
  const end = Date.now() + 5000;
  while (!ok(await trafficStatus())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
};
/** After a pause or a switch, the delivery a clock tick had already started may still land: wait it out. */
const settled = () => waitFor('the delivery on its way', (s) => !s.delivering);
const idOf = (body: string) => {
  const j = JSON.parse(body);
  return (j.transactionId ?? j.content?.order?.txn_id) as string;
};
const statusOf = (body: string) => {
  const j = JSON.parse(body);
  return (j.status ?? j.content?.order?.status) as string;
};

describe('demo traffic', () => {
  it('is off unless started', async () => {
    expect(await trafficStatus()).toMatchObject({ phase: 'off', running: false });
    await sleep(100);
    expect(payops.received).toEqual([]);
  });

  it('sends a trickle of Enkash and Juspay notifications with the right credentials, every payment known to the status APIs', async () => {
    expect((await control('/start', { ...FAST, juspayShare: 0.5, pendingShare: 0, lostShare: 0 })).status).toBe(200);
    await until('eight deliveries', () => payops.received.length >= 8);
    await control('/stop');
    const paths = new Set(payops.received.map((r) => new URL(r.url, payops.url).pathname));
    expect(paths).toEqual(new Set(['/api/webhooks/enkash/notify', '/api/webhooks/juspay']));
    for (const r of payops.received) {
      expect(r.status).toBe(200);
      const provider = r.url.includes('juspay') ? 'juspay' : 'enkash';
      expect(sandbox.control.transaction(provider, idOf(r.body))?.status).toBe(statusOf(r.body));
    }
    // Money goes out as Enkash and Juspay write it: surcharges and Juspay amounts as exact JSON numbers.
    const enkash = payops.received.find((r) => r.url.includes('enkash'))!;
    expect(enkash.body).toMatch(/"surcharge":0\.0000/);
    const juspay = payops.received.find((r) => r.url.includes('juspay'))!;
    expect(juspay.body).toMatch(/"amount":\d+\.\d{2}[,}]/);
    expect((await trafficStatus()).sent).toMatchObject({ byStatus: { 200: payops.received.length } });
  });

  it('notifies some payments PENDING and their final status later; a lost one changes at the provider without a notification', async () => {
    await control('/start', BY_HAND); // the flows below are chosen by hand
    const sent = async (flow: 'pending' | 'lost', provider: 'enkash' | 'juspay') =>
      (await control('/send', { flow, provider, success: true })).json() as Promise<{ status: number }>;
    expect((await sent('pending', 'enkash')).status).toBe(200);
    expect((await sent('lost', 'juspay')).status).toBe(200);
    // By content, not order: on a busy machine the first final may land before the second send returns.
    const seen = () => payops.received.map((r) => ({ id: idOf(r.body), status: statusOf(r.body) }));
    const pending = seen().find((d) => d.status === 'PENDING_WITH_BANK')!;
    const lost = seen().find((d) => d.status === 'PENDING_VBV')!;
    expect(pending && lost).toBeTruthy();
    await until('the final notification', () => payops.received.length >= 3);
    expect(seen().find((d) => d.status === 'SUCCESS')?.id).toBe(pending.id);
    await until('the lost final status', () => sandbox.control.transaction('juspay', lost.id)?.status === 'CHARGED');
    await sleep(150);
    expect(payops.received).toHaveLength(3);
    expect((await trafficStatus()).scheduled).toBe(0);
  });

  it('does not move a payment changed by hand or stuck', async () => {
    // Finals a second away: time enough to change both payments before theirs is due.
    await control('/start', { ...BY_HAND, minFinalAfterMs: 1000, maxFinalAfterMs: 1000 });
    await control('/send', { flow: 'pending', provider: 'enkash', success: true });
    await control('/send', { flow: 'pending', provider: 'juspay', success: true });
    const [a, b] = payops.received.map((r) => idOf(r.body));
    sandbox.control.setPaymentStatus('enkash', a, 'FAILED');
    sandbox.control.setPaymentStuck('juspay', b, true);
    expect((await trafficStatus()).scheduled).toBe(0);
    await sleep(1200);
    expect(payops.received).toHaveLength(2);
    expect(sandbox.control.transaction('enkash', a)?.status).toBe('FAILED');
    expect(sandbox.control.transaction('juspay', b)).toMatchObject({ status: 'PENDING_VBV', stuck: true });
  });

  it('pauses and resumes: nothing at all is sent while paused', async () => {
    await control('/start', FAST);
    await until('a first delivery', () => payops.received.length >= 1);
    expect(await (await control('/pause')).json()).toMatchObject({ phase: 'paused', pausedUntil: 'until resumed' });
    await settled();
    const before = payops.received.length;
    await sleep(300);
    expect(payops.received.length).toBe(before);
    expect(await (await control('/resume')).json()).toMatchObject({ phase: 'sending' });
    await until('deliveries again', () => payops.received.length >= before + 2);

    // A timed pause ends by itself.
    await control('/pause', { ms: 1500 });
    const pausedAt = Date.now();
    await settled();
    const during = payops.received.length;
    await sleep(Math.max(0, 1000 - (Date.now() - pausedAt)));
    expect(payops.received.length).toBe(during);
    await until('deliveries after the pause', () => payops.received.length >= during + 2);
    expect((await trafficStatus()).phase).toBe('sending');
  });

  it('sends bad deliveries for a while (wrong secret → 401, malformed → 400), then good ones again', async () => {
    // Every payment final at once, so no good final notification is due during the bad spell.
    await control('/start', { ...FAST, pendingShare: 0, lostShare: 0 });
    expect(await (await control('/bad', { ms: 2000, kind: 'mixed' })).json()).toMatchObject({ phase: 'bad', bad: { kind: 'mixed', share: 1 } });
    await settled();
    const from = payops.received.length;
    await until('four bad deliveries', () => payops.received.length >= from + 4);
    const bad = payops.received.slice(from, from + 4);
    expect(bad.map((r) => r.status).sort()).toEqual([400, 400, 401, 401]);
    expect((await trafficStatus()).sent.bad).toBeGreaterThanOrEqual(4);
    // Nothing refused is known to the provider: it never took those payments.
    for (const r of bad.filter((x) => x.status === 401)) {
      expect(sandbox.control.transaction(r.url.includes('juspay') ? 'juspay' : 'enkash', idOf(r.body))).toBeUndefined();
    }
    await waitFor('the bad spell to end', (s) => s.phase !== 'bad');
    await settled();
    const after = payops.received.length;
    await until('good deliveries after it', () => payops.received.length >= after + 2);
    expect(payops.received.slice(after).every((r) => r.status === 200)).toBe(true);
    expect((await trafficStatus()).phase).toBe('sending');
  });

  it('sends one bad delivery on demand, and refuses nonsense', async () => {
    await control('/start', BY_HAND);
    expect(await (await control('/send', { bad: 'malformed' })).json()).toMatchObject({ status: 400 });
    expect(await (await control('/send', { bad: 'wrong_secret' })).json()).toMatchObject({ status: 401 });
    expect((await control('/bad', { kind: 'explode' })).status).toBe(400);
    expect((await control('/pause', { minutes: -1 })).status).toBe(400);
    expect((await control('/start', { minIntervalMs: 'soon' })).status).toBe(400);
  });

  it('retries a notification PayOps did not take (unreachable), like a provider', async () => {
    const closed = await capturePayops();
    await closed.close();
    const offline = await startSandbox({ payopsUrl: closed.url, trafficTickMs: 10 });
    try {
      offline.control.traffic.start(BY_HAND);
      expect(await offline.control.traffic.sendPayment({ provider: 'enkash', flow: 'final', success: true })).toMatchObject({ status: 0 });
      expect(offline.control.traffic.status()).toMatchObject({ scheduled: 1, sent: { failed: 1, byStatus: { unreachable: 1 } } });
    } finally {
      await offline.close();
    }
  });

  it('needs a PayOps URL to send to', async () => {
    const lonely = await startSandbox();
    try {
      const res = await fetch(`${lonely.url}/__sandbox/traffic/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(400);
    } finally {
      await lonely.close();
    }
  });
});
