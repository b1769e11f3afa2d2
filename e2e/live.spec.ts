import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { E2E } from '../playwright.config';
import { exampleWith, NOTIFY_PATH, storageState } from './fixtures';

// Two instances behind one (imaginary) load balancer: A is Playwright's server, B a second
// `npm start` on the same Postgres database, started here. A delivery posted to A must show on
// pages served by B — through Postgres NOTIFY, since B's process never sees the request.
const PORT_A = Number(new URL(E2E.baseURL).port);
const PORT_B = PORT_A + 1;
const B = `http://127.0.0.1:${PORT_B}`;
// The database e2e/serve.mjs created for A.
const DATABASE_URL = (() => {
  const url = new URL(process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/payops_e2e_${PORT_A}`;
  return url.href;
})();
// Within 2 s of the POST's answer, as issue 9 asks.
const LIVE_MS = 2000;

let server: ChildProcess | undefined;
let serverLog: string[] = [];

async function onPostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function startB(): Promise<void> {
  serverLog = [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(PORT_B),
    DATABASE_URL,
    ENKASH_WEBHOOK_SECRET: E2E.webhookSecret,
    PAYOPS_API_TOKEN: E2E.apiToken,
    AUTH_SECRET: E2E.authSecret,
    PAYOPS_ENCRYPTION_KEY: E2E.encryptionKey,
    AUDIT_HMAC_KEY: E2E.auditHmacKey,
    NEXT_TELEMETRY_DISABLED: '1',
  };
  delete env.PAYOPS_SANDBOX; // A runs the provider simulator; B needs none
  const child = spawn(process.execPath, ['scripts/start.mjs'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  const keep = (chunk: Buffer) => serverLog.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`instance B exited (${child.exitCode}):\n${serverLog.slice(-30).join('\n')}`);
    const ok = await fetch(`${B}/api/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`instance B did not become ready:\n${serverLog.slice(-30).join('\n')}`);
}

async function stopB(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 12_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Now in India time, as Enkash writes txnDate: the payment sorts first in the list. */
const istNow = () => new Date(Date.now() + 5.5 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
let n = 0;
const newId = () => `EKLIVEE2E${Date.now()}${++n}`;

async function postToA(request: import('@playwright/test').APIRequestContext, overrides: Record<string, unknown>) {
  const res = await request.post(`${E2E.baseURL}${NOTIFY_PATH}`, {
    data: exampleWith({ txnDate: istNow(), ...overrides }),
    headers: { 'content-type': 'application/json' },
  });
  expect(res.status()).toBe(200);
}

const liveStatus = (page: Page) => page.getByTestId('live-status');

test.describe('live pages across two instances', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async ({}, testInfo) => {
    testInfo.setTimeout(120_000);
    test.skip(!(await onPostgres()), 'two instances need one shared Postgres database; the browser tests run on PGlite here');
    await startB();
  });
  test.afterAll(async ({}, testInfo) => {
    testInfo.setTimeout(30_000);
    await stopB();
  });

  test.describe('support', () => {
    test.use({ storageState: storageState('support') });

    test('the payments list on B announces a payment posted to A, and shows it on request', async ({ page, request }) => {
      await page.goto(`${B}/payments`);
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');
      await expect(page.getByTestId('new-payments')).toHaveCount(0);

      const id = newId();
      await postToA(request, { transactionId: id });
      await expect(page.getByTestId('new-payments')).toHaveText('1 new payment — show them', { timeout: LIVE_MS });
      const second = newId();
      await postToA(request, { transactionId: second });
      await expect(page.getByTestId('new-payments')).toHaveText('2 new payments — show them', { timeout: LIVE_MS });

      await page.getByTestId('new-payments').click();
      const results = page.getByRole('region', { name: 'Payments found' });
      await expect(results.getByRole('link', { name: id })).toBeVisible();
      await expect(results.getByRole('link', { name: second })).toBeVisible();
      await expect(page.getByTestId('new-payments')).toHaveCount(0);
    });

    test('a search on B counts only the new payments it matches', async ({ page, request }) => {
      const id = newId();
      await page.goto(`${B}/payments?q=${id}`);
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');
      await postToA(request, { transactionId: newId() }); // another payment: not counted here
      await postToA(request, { transactionId: id });
      await expect(page.getByTestId('new-payments')).toHaveText('1 new payment — show them', { timeout: LIVE_MS });
    });

    test('the stream and the count answer a session only, and the deliveries channel an admin only', async ({ page, playwright }) => {
      expect((await page.request.get(`${B}/api/live?topics=deliveries`)).status()).toBe(403);
      expect((await page.request.get(`${B}/api/live?topics=payments,audit`)).status()).toBe(400);
      expect((await page.request.get(`${B}/api/live/payments`)).status()).toBe(400);
      const counted = await page.request.get(`${B}/api/live/payments?after=0&status=SUCCESS`);
      expect(counted.status()).toBe(200);
      expect(await counted.json()).toMatchObject({ count: expect.any(Number), capped: false });
      const anonymous = await playwright.request.newContext({ storageState: { cookies: [], origins: [] } });
      expect((await anonymous.get(`${B}/api/live?topics=payments`)).status()).toBe(401);
      expect((await anonymous.get(`${B}/api/live/payments?after=0`)).status()).toBe(401);
      await anonymous.dispose();
    });

    test('a payment page on B updates its status and timeline when A records a later status', async ({ page, request }) => {
      const id = newId();
      await postToA(request, { transactionId: id, status: 'PENDING_WITH_BANK' });
      await page.goto(`${B}/payments?q=${id}`);
      await page.getByRole('region', { name: 'Payments found' }).getByRole('link', { name: id }).click();
      // The payment page's summary names the status in words ("Pending with bank").
      const header = page.getByRole('region', { name: 'Payment summary' });
      await expect(header).toContainText('Pending with bank');
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');

      await postToA(request, { transactionId: id, status: 'SUCCESS' });
      await expect(header).toContainText('Success', { timeout: LIVE_MS });
      await expect(page.getByTestId('timeline-summary')).toContainText('2 deliveries', { timeout: LIVE_MS });

      // A repeat changes no status but is a delivery on the timeline.
      await postToA(request, { transactionId: id, status: 'SUCCESS' });
      await expect(page.getByTestId('timeline-summary')).toContainText('3 deliveries', { timeout: LIVE_MS });
    });

    test('a payment page whose stream drops (B restarts) reconnects and catches up what happened meanwhile', async ({ page, request }, testInfo) => {
      testInfo.setTimeout(150_000);
      const id = newId();
      await postToA(request, { transactionId: id, status: 'PENDING_WITH_BANK' });
      await page.goto(`${B}/payments?q=${id}`);
      await page.getByRole('region', { name: 'Payments found' }).getByRole('link', { name: id }).click();
      const header = page.getByRole('region', { name: 'Payment summary' });
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');
      // A's check with the simulator (which does not know this payment) changes the payment once
      // more and B's page re-reads it. Stopping B under that re-read is a different test (the
      // error boundary's retries): wait until the check's verdict is on the page, and the re-read
      // it caused has ended, before the stream is dropped.
      await expect(page.getByTestId('verification')).not.toHaveText('unconfirmed', { timeout: 15_000 });
      await page.waitForTimeout(1500);

      await stopB();
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'reconnecting', { timeout: 10_000 });
      // Lands while no stream is open: only the replay from the last event id can bring it.
      await postToA(request, { transactionId: id, status: 'SUCCESS' });
      await startB();
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 });
      await expect(header).toContainText('Success', { timeout: 10_000 });
    });
  });

  test.describe('admin', () => {
    test.use({ storageState: storageState('admin') });

    test('the deliveries page on B shows a delivery posted to A as a new row', async ({ page, request }) => {
      await page.goto(`${B}/deliveries`);
      await expect(liveStatus(page)).toHaveAttribute('data-status', 'live');
      const id = newId();
      await postToA(request, { transactionId: id });
      await expect(page.getByRole('link', { name: id })).toBeVisible({ timeout: LIVE_MS });
    });
  });
});
