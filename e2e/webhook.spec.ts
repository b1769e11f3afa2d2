import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { DOCUMENTED_EXAMPLE as EXAMPLE, NOTIFY_PATH as NOTIFY } from './fixtures';
const bearer = { authorization: `Bearer ${E2E.apiToken}` };

test.describe('Enkash notify against the running server', () => {
  test('the documented example is accepted, deduplicated, and readable through the API', async ({ request }) => {
    const first = await request.post(NOTIFY, { data: EXAMPLE, headers: { 'content-type': 'application/json' } });
    expect(first.status()).toBe(200);
    expect(await first.json()).toEqual({});
    const again = await request.post(NOTIFY, { data: EXAMPLE, headers: { 'content-type': 'application/json' } });
    expect(again.status()).toBe(200);
    expect(await again.json()).toEqual({});

    const res = await request.get('/api/v1/transactions/EK1738916997652yh8GL', { headers: bearer });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      status: 'SUCCESS',
      txnAt: '2025-02-07T14:00:05+05:30',
      amount: '500.0000',
      finalAmount: '500.0000',
      card: { last4: '9015' },
    });
    expect(body.events).toHaveLength(1);
    expect(body.events[0].duplicateCount).toBeGreaterThanOrEqual(1);
    expect(res.headers()['cache-control']).toContain('no-store');

    const list = await request.get('/api/v1/transactions?q=9015', { headers: bearer });
    expect((await list.json()).data.map((d: { transactionId: string }) => d.transactionId)).toContain('EK1738916997652yh8GL');
  });

  test('refusals carry a status and a reason', async ({ request }) => {
    const wrong = await request.post('/api/webhooks/enkash/notify?key=nope', { data: EXAMPLE });
    expect(wrong.status()).toBe(401);
    expect((await wrong.json()).error.code).toBe('unauthorized');
    const get = await request.get(NOTIFY);
    expect(get.status()).toBe(405);
    const big = await request.post(NOTIFY, { data: 'x'.repeat(70 * 1024) });
    expect(big.status()).toBe(413);
    const broken = await request.post(NOTIFY, { data: '{"transactionId":' });
    expect(broken.status()).toBe(400);
    expect((await request.get('/api/v1/transactions')).status()).toBe(401);
    expect((await request.get('/api/v1/transactions/UNKNOWN', { headers: bearer })).status()).toBe(404);
  });

  test('health answers', async ({ request }) => {
    expect((await request.get('/api/health/live')).status()).toBe(200);
    const health = await request.get('/api/health');
    expect(health.status()).toBe(200);
    expect((await health.json()).database.ok).toBe(true);
  });
});
