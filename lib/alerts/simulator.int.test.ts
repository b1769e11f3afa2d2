import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { startSandbox, type Sandbox } from '@/sandbox/server';
import { deliverAlert } from './deliver';
import { evaluateAlerts, findRule } from './rules';
import { verifySignature } from './signature';
import { MINUTE, startReceiver, testConfig } from './testing';

const WEBHOOK_SECRET = 'enkash-notify-secret-for-the-simulator';
const ALERT_SECRET = 'alert-secret-for-the-simulator';

// The demo path end to end: the simulator's notify traffic goes through PayOps' real webhook
// handler; switched to a wrong secret it trips the refused-deliveries rule, whose message reaches
// a receiver; switched back, the alert resolves.
describe.each(await testDatabaseKinds())('alerts from simulator traffic on $kind', ({ create }) => {
  let t: TestDb;
  let payops: Server;
  let sandbox: Sandbox;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const good = async (n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await sandbox.control.traffic.sendPayment({ provider: 'enkash', flow: 'final', success: true })).status);
    return statuses;
  };
  const bad = async (kind: 'wrong_secret' | 'malformed', n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await sandbox.control.traffic.sendBad(kind)).status);
    return statuses;
  };

  beforeAll(async () => {
    t = await create();
    payops = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = new Request(`http://payops.test${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) });
      const answer = await handleEnkashNotify(request, { db: async () => t.handle.db, secret: WEBHOOK_SECRET });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
    await new Promise<void>((resolve) => payops.listen(0, '127.0.0.1', resolve));
    sandbox = await startSandbox({ payopsUrl: `http://127.0.0.1:${(payops.address() as AddressInfo).port}`, webhookAuth: { enkashKey: WEBHOOK_SECRET } });
    // Enkash only, and nothing on a timer: the test sends each delivery itself.
    sandbox.control.traffic.start({ juspayShare: 0, minIntervalMs: 3_600_000, maxIntervalMs: 3_600_000 });
    sandbox.control.traffic.stop();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await sandbox?.close();
    await receiver?.close();
    await new Promise((resolve) => payops?.close(resolve));
    await t?.cleanup();
  });

  it('bad deliveries from the simulator open an alert, delivered signed; good ones resolve it', async () => {
    const rules = [findRule('deliveries_refused')!, findRule('success_rate_drop')!];
    const config = testConfig();
    const deliver = (x: { alertId: number; transition: 'opened' | 'resolved' }) =>
      deliverAlert(t.handle.db, x, { url: receiver.url, secret: ALERT_SECRET, timeoutMs: 2000 });

    expect(await good(4)).toEqual([200, 200, 200, 200]);
    expect(await evaluateAlerts(t.handle.db, { now: new Date(), config, rules })).toEqual([]);

    // The merchant rotated the secret at Enkash but not in PayOps: every notification is refused.
    expect(await bad('wrong_secret', 6)).toEqual([401, 401, 401, 401, 401, 401]);
    // And a payload change: refused as unreadable.
    expect(await bad('malformed', 2)).toEqual([400, 400]);
    const [opened] = await evaluateAlerts(t.handle.db, { now: new Date(), config, rules });
    expect(opened.transition).toBe('opened');
    const [alert] = await t.handle.db.select().from(alerts);
    expect(alert.openedNumbers).toEqual({ windowMinutes: 5, total: 12, refused: 8, unauthorized: 6, invalid: 2, share: 0.6667 });

    await deliver(opened);
    const [message] = receiver.received;
    expect(verifySignature(String(message.headers['x-payops-signature']), message.body, ALERT_SECRET)).toBe(true);
    expect(JSON.parse(message.body).text).toContain('8 of 12 deliveries refused in the last 5 min (66.7%): 6 × 401 wrong secret, 2 × 400 unreadable.');

    // Fixed: the simulator sends good notifications again; once the refusals leave the window it resolves.
    expect(await good(3)).toEqual([200, 200, 200]);
    const [resolved] = await evaluateAlerts(t.handle.db, { now: new Date(Date.now() + 6 * MINUTE), config, rules });
    expect(resolved).toEqual({ alertId: opened.alertId, transition: 'resolved' });
    await deliver(resolved);
    expect(JSON.parse(receiver.received[1].body).alert).toMatchObject({ status: 'resolved', id: opened.alertId });

    expect(sandbox.control.traffic.status().sent).toMatchObject({ byStatus: { 200: 7, 401: 6, 400: 2 } });
    expect(JSON.stringify(sandbox.control.traffic.status())).not.toContain(WEBHOOK_SECRET);
  });

  it('failing payments from the simulator show in the success rate', async () => {
    await good(5);
    for (let i = 0; i < 5; i++) await sandbox.control.traffic.sendPayment({ provider: 'enkash', flow: 'final', success: false });
    const [measured] = await findRule('success_rate_drop')!.measure(t.handle.db, { now: new Date(Date.now() + 1000), config: testConfig() });
    // The documented example's txnDate is replaced by now (IST), so all count in the last hour.
    expect(measured).toMatchObject({ key: 'enkash', succeeded: 7 + 5, failed: 5 });
  });
});
