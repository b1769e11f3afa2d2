import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { alertDeliveries } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { isRetryable, RetryableJobError } from '@/lib/jobs/errors';
import { deliverAlert, type DeliverAlertOptions } from './deliver';
import type { AlertMessage } from './message';
import { evaluateAlerts, findRule, type AlertTransition } from './rules';
import { addDeliveries, clearAlertData, MINUTE, startReceiver, testConfig, type ReceivedRequest } from './testing';

const SECRET = 'alert-signing-secret-9f8e7d';
// A receiver URL can itself be a secret (Slack's are): it must never show up in an error or a row.
const SECRET_PATH = '/hooks/T000/B000/XyzSecretPathPart';

/** The receiver's check, written here from the documented scheme, not with lib/alerts/signature.ts. */
function verifiedByReceiver(req: ReceivedRequest, secret = SECRET): boolean {
  const header = String(req.headers['x-payops-signature'] ?? '');
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${req.body}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe.each(await testDatabaseKinds())('alert delivery on $kind', ({ create }) => {
  let t: TestDb;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const db = () => t.handle.db;
  const options = (patch: Partial<DeliverAlertOptions> = {}): DeliverAlertOptions => ({
    url: `${receiver.url}${SECRET_PATH}`,
    secret: SECRET,
    timeoutMs: 2000,
    publicUrl: 'https://payops.example.com',
    ...patch,
  });
  const delivery = async (alertId: number, transition: string) =>
    (await db().select().from(alertDeliveries).where(eq(alertDeliveries.alertId, alertId))).find((d) => d.transition === transition)!;
  const rules = [findRule('deliveries_refused')!];

  beforeAll(async () => {
    t = await create();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.cleanup();
  });
  beforeEach(async () => {
    await clearAlertData(db());
    receiver.received.length = 0;
    receiver.replies.length = 0;
  });
  afterEach(() => {
    expect(JSON.stringify(receiver.received.map((r) => r.body))).not.toContain(SECRET);
  });

  /** Refusals right now (a rotated secret at the provider), evaluated: the opened transition. */
  async function openAlert(now = new Date()): Promise<AlertTransition> {
    await addDeliveries(db(), { count: 2, from: new Date(now.getTime() - 2 * MINUTE), to: now });
    await addDeliveries(db(), { outcome: 'rejected', httpStatus: 401, count: 8, from: new Date(now.getTime() - 2 * MINUTE), to: now });
    const [opened] = await evaluateAlerts(db(), { now, config: testConfig(), rules });
    expect(opened.transition).toBe('opened');
    return opened;
  }

  it('an alert opens, is delivered signed to a local receiver, resolves, and the resolution is delivered', async () => {
    const now = new Date();
    const opened = await openAlert(now);

    expect(await deliverAlert(db(), opened, options())).toEqual({ status: 'delivered', httpStatus: 200, attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    const [first] = receiver.received;
    expect(first).toMatchObject({ method: 'POST', url: SECRET_PATH });
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['x-payops-delivery']).toBe(`${opened.alertId}-opened`);
    expect(verifiedByReceiver(first)).toBe(true);
    expect(verifiedByReceiver(first, 'another-secret')).toBe(false);
    expect(verifiedByReceiver({ ...first, body: first.body.replace('"refused":8', '"refused":0') })).toBe(false);
    const message = JSON.parse(first.body) as AlertMessage;
    expect(message.text).toMatch(/^🔴 CRITICAL · \*Enkash: webhook deliveries refused\*\. 8 of 10 deliveries refused in the last 5 min \(80%\): 8 × 401 wrong secret\. Opened .* IST\. <https:\/\/payops\.example\.com\/alerts#alert-\d+\|Open in PayOps>$/);
    expect(message.alert).toMatchObject({
      id: opened.alertId,
      rule: 'deliveries_refused',
      key: 'enkash',
      severity: 'critical',
      status: 'open',
      transition: 'opened',
      resolvedAt: null,
      numbers: { windowMinutes: 5, total: 10, refused: 8, unauthorized: 8, invalid: 0, share: 0.8 },
      url: `https://payops.example.com/alerts#alert-${opened.alertId}`,
    });
    expect(message.alert.openedAt).toMatch(/\+05:30$/);
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'delivered', attempts: 1, httpStatus: 200, lastError: null, inFlightUntil: null });
    expect((await delivery(opened.alertId, 'opened')).deliveredAt).toBeInstanceOf(Date);

    // Idempotent: delivered once, never again.
    expect(await deliverAlert(db(), opened, options())).toEqual({ status: 'already_delivered' });
    expect(receiver.received).toHaveLength(1);

    // The provider's secret is fixed: ten minutes on, nothing refused in the window.
    const later = new Date(now.getTime() + 10 * MINUTE);
    await addDeliveries(db(), { count: 10, from: new Date(later.getTime() - 2 * MINUTE), to: later });
    const [resolved] = await evaluateAlerts(db(), { now: later, config: testConfig(), rules });
    expect(resolved).toEqual({ alertId: opened.alertId, transition: 'resolved' });
    expect(await deliverAlert(db(), resolved, options())).toMatchObject({ status: 'delivered' });
    expect(receiver.received).toHaveLength(2);
    const second = receiver.received[1];
    expect(second.headers['x-payops-delivery']).toBe(`${opened.alertId}-resolved`);
    expect(verifiedByReceiver(second)).toBe(true);
    const resolution = JSON.parse(second.body) as AlertMessage;
    expect(resolution.text).toMatch(/^✅ RESOLVED · CRITICAL · \*Enkash: webhook deliveries refused\* after 10 min\. 0 of 10 deliveries refused in the last 5 min \(0%\)\. Opened .* IST, resolved .* IST\./);
    expect(resolution.alert).toMatchObject({ status: 'resolved', transition: 'resolved', durationMinutes: 10, numbers: { refused: 0, total: 10 }, openedNumbers: { refused: 8 } });
    expect(resolution.alert.resolvedAt).toMatch(/\+05:30$/);
  });

  it('a 500 from the receiver is retryable and recorded; a later success records the delivery', async () => {
    const opened = await openAlert();
    receiver.replies.push(500);
    const failure = await deliverAlert(db(), opened, options()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RetryableJobError);
    expect(isRetryable(failure)).toBe(true);
    expect((failure as Error).message).toBe(`alert ${opened.alertId} opened: the receiver answered HTTP 500`);
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'retrying', attempts: 1, httpStatus: 500, deliveredAt: null, inFlightUntil: null });
    expect((await delivery(opened.alertId, 'opened')).lastError).toBe('HTTP 500: the receiver is unavailable; tried again later');

    receiver.replies.push(429);
    await expect(deliverAlert(db(), opened, options())).rejects.toBeInstanceOf(RetryableJobError);

    expect(await deliverAlert(db(), opened, options())).toEqual({ status: 'delivered', httpStatus: 200, attempts: 3 });
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'delivered', attempts: 3, lastError: null });
    // Every attempt carried the same message id and body; each was signed afresh.
    expect(new Set(receiver.received.map((r) => r.headers['x-payops-delivery']))).toEqual(new Set([`${opened.alertId}-opened`]));
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(receiver.received.every((r) => verifiedByReceiver(r))).toBe(true);
  });

  it('a 4xx refusal is not retried; a redirect is not followed', async () => {
    const opened = await openAlert();
    receiver.replies.push(404);
    const failure = await deliverAlert(db(), opened, options()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(isRetryable(failure)).toBe(false);
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'failed', httpStatus: 404, lastError: 'HTTP 404: the receiver refused the message' });

    receiver.replies.push(302);
    expect(isRetryable(await deliverAlert(db(), opened, options()).catch((e: unknown) => e))).toBe(false);
    expect((await delivery(opened.alertId, 'opened')).lastError).toMatch(/redirects are not followed/);
  });

  it('a refused connection or a receiver that never answers is retryable, and neither the URL nor the reply is recorded', async () => {
    const opened = await openAlert();
    const closed = await startReceiver();
    await closed.close();
    const refused = await deliverAlert(db(), opened, options({ url: `${closed.url}${SECRET_PATH}` })).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(RetryableJobError);
    expect((refused as Error).message).toBe(`alert ${opened.alertId} opened: network error (ECONNREFUSED)`);

    receiver.replies.push('hang');
    const started = Date.now();
    const hung = await deliverAlert(db(), opened, options({ timeoutMs: 300 })).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hung).toBeInstanceOf(RetryableJobError);
    expect((hung as Error).message).toBe(`alert ${opened.alertId} opened: no answer within 300 ms`);
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'retrying', attempts: 2, lastError: 'no answer within 300 ms', inFlightUntil: null });

    receiver.replies.push(503);
    await deliverAlert(db(), opened, options()).catch(() => {});
    const stored = await queryRows<{ r: string }>(db(), sql`SELECT row_to_json(d)::text AS r FROM alert_deliveries d`);
    expect(stored.map((s) => s.r).join()).not.toMatch(/XyzSecretPathPart|secret-path|receiver says no|127\.0\.0\.1/);
  });

  it('without ALERT_WEBHOOK_URL nothing is sent and the message is recorded as not configured', async () => {
    const opened = await openAlert();
    expect(await deliverAlert(db(), opened, options({ url: undefined }))).toEqual({ status: 'not_configured' });
    expect(receiver.received).toHaveLength(0);
    expect(await delivery(opened.alertId, 'opened')).toMatchObject({ state: 'not_configured', attempts: 0, deliveredAt: null });
  });

  it('without a secret (embedded demo only) the message goes unsigned', async () => {
    const opened = await openAlert();
    await deliverAlert(db(), opened, options({ secret: undefined }));
    expect(receiver.received[0].headers['x-payops-signature']).toBeUndefined();
  });

  it('two senders of one message at once post it once', async () => {
    const opened = await openAlert();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A fetch that waits until both senders have tried, so they overlap for sure.
    const slowFetch: typeof fetch = async (input, init) => {
      await gate;
      return fetch(input, init);
    };
    const a = deliverAlert(db(), opened, options({ fetchImpl: slowFetch }));
    const b = deliverAlert(db(), opened, options({ fetchImpl: slowFetch }));
    setTimeout(release, 300);
    const results = await Promise.allSettled([a, b]);
    expect(receiver.received).toHaveLength(1);
    const outcomes = results.map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as Error).name)).sort();
    expect(outcomes).toEqual(['RetryableJobError', 'delivered']);
    // The retried job then finds it delivered.
    expect(await deliverAlert(db(), opened, options())).toEqual({ status: 'already_delivered' });
  });

  it('refuses a message that does not exist, without retrying', async () => {
    const missing = await deliverAlert(db(), { alertId: 999_999, transition: 'opened' }, options()).catch((e: Error) => e);
    expect(isRetryable(missing)).toBe(false);
    expect((missing as Error).message).toMatch(/no such message/);
  });
});
