import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import { startSandbox, type Sandbox } from './server';
import { JUSPAY_WEBHOOK_EXAMPLE } from './webhooks';

let sandbox: Sandbox;
let payops: { url: string; received: { url: string; headers: IncomingHttpHeaders; body: string }[]; close: () => void };

beforeAll(async () => {
  payops = await captureServer();
  sandbox = await startSandbox({ payopsUrl: payops.url, budgets: { juspay: 2 } });
});
beforeEach(() => {
  sandbox.control.reset();
  payops.received.length = 0;
});
afterAll(async () => {
  await sandbox.close();
  payops.close();
});

const call = (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${sandbox.url}${path}`, {
    ...init,
    method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
    headers: { ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
const juspayAuth = () => ({ authorization: `Basic ${Buffer.from(`${sandbox.credentials.JUSPAY_API_KEY}:`).toString('base64')}`, 'x-routing-id': 'cust_1' });

describe('provider simulator', () => {
  it('keeps a Juspay budget per transaction, settable through the control API, and counts every send that reached it', async () => {
    const resend = (id: string) => call(`/juspay/v2/txns/${id}/authenticate/ch_1/resend`, { method: 'POST', headers: juspayAuth() });
    expect((await resend('t1')).status).toBe(200);
    expect((await resend('t1')).status).toBe(200);
    const over = await resend('t1');
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({ error_code: 'max_limit_exceeded' });

    const set = await call('/__sandbox/transactions', { json: { provider: 'juspay', id: 't2', maxOtpSendLimit: 4 } });
    expect(set.status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await resend('t2')).status).toBe(200);
    expect((await resend('t2')).status).toBe(400);

    const state = (await (await call('/__sandbox/state')).json()) as { counts: Record<string, number>; transactions: { id: string; sendRequests: number; timesOtpSent: number }[] };
    expect(state.counts['juspay.resend']).toBe(8);
    expect(state.transactions.find((t) => t.id === 't1')).toMatchObject({ sendRequests: 3, timesOtpSent: 2 });
    expect(state.transactions.find((t) => t.id === 't2')).toMatchObject({ sendRequests: 5, timesOtpSent: 4 });
  });

  it('switches faults per endpoint, for a number of requests or until cleared', async () => {
    const status = () => call('/enkash/api/v0/payment/EK1');
    expect((await call('/__sandbox/faults', { json: { endpoint: 'enkash.status', mode: '5xx', times: 2 } })).status).toBe(200);
    expect((await status()).status).toBe(503);
    expect((await status()).status).toBe(503);
    expect((await status()).status).toBe(401); // healthy again: no token, so 401

    await call('/__sandbox/faults', { json: { endpoint: 'enkash.status', mode: 'garbage' } });
    const garbage = await status();
    expect([garbage.status, garbage.headers.get('content-type')]).toEqual([200, 'text/html']);
    expect((await call('/__sandbox/faults', { method: 'DELETE' })).status).toBe(200);
    expect((await status()).status).toBe(401);

    await call('/__sandbox/faults', { json: { endpoint: 'enkash.status', mode: 'timeout' } });
    await expect(fetch(`${sandbox.url}/enkash/api/v0/payment/EK1`, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(sandbox.control.counts()['enkash.status']).toBe(6);
  });

  it('expires tokens and refuses unknown ones', async () => {
    const short = await startSandbox({ tokenTtlMs: 200 });
    try {
      const tokenReply = await fetch(`${short.url}/enkash/api/v0/merchant/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accessKey: short.credentials.ENKASH_ACCESS_KEY, secretKey: short.credentials.ENKASH_SECRET_KEY }),
      });
      const { token, expiry } = (await tokenReply.json()) as { token: string; expiry: number };
      expect(expiry).toBeGreaterThan(Date.now());
      const resend = (t: string) =>
        fetch(`${short.url}/enkash/pay/resend/otp/EK1`, { headers: { authorization: `Bearer ${t}`, merchantAccessKey: short.credentials.ENKASH_ACCESS_KEY } });
      expect((await resend(token)).status).toBe(200);
      expect((await resend('made-up')).status).toBe(401);
      await new Promise((r) => setTimeout(r, 250));
      expect((await resend(token)).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('answers bad requests with a 4xx, never a 500', async () => {
    const cases: [string, RequestInit & { json?: unknown }, number][] = [
      ['/nowhere', {}, 404],
      ['/enkash/pay/otp/validate', { method: 'GET' }, 405],
      ['/enkash/pay/resend/otp/%E0%A4%A', {}, 404],
      ['/enkash/api/v0/merchant/token', { body: '{not json', headers: { 'content-type': 'application/json' } }, 400],
      ['/enkash/api/v0/merchant/token', { json: [1, 2] }, 401],
      ['/enkash/api/v0/merchant/token', { json: { accessKey: 5, secretKey: null } }, 401],
      ['/enkash/api/v0/merchant/token', { body: 'x'.repeat(70_000) }, 413],
      ['/enkash-wallet/oauth/token', { body: 'grant_type=password', headers: { authorization: 'Basic !!!', 'content-type': 'application/x-www-form-urlencoded' } }, 401],
      ['/enkash-wallet/api/v0/partner/enKashCard/otp', { json: {} }, 401],
      ['/juspay/v2/txns/t1/authenticate', { method: 'POST', headers: { authorization: 'Basic Og==' } }, 401],
      ['/juspay/v2/txns/t1/authenticate', { method: 'POST', headers: { 'x-routing-id': 'c' } }, 401],
      ['/__sandbox/faults', { json: { endpoint: 'enkash.status', mode: 'explode' } }, 400],
      ['/__sandbox/faults', { json: { endpoint: 'enkash.status', delayMs: -1 } }, 400],
      ['/__sandbox/transactions', { json: { provider: 'paypal', id: 'x' } }, 400],
      ['/__sandbox/transactions', { json: { provider: 'juspay', id: 'x', maxOtpSendLimit: 'lots' } }, 400],
      ['/__sandbox/send/juspay', { json: { url: 'file:///etc/passwd', username: 'u', password: 'p' } }, 400],
      ['/__sandbox/send/juspay', { json: {} }, 400],
    ];
    for (const [path, init, expected] of cases) {
      const res = await call(path, init);
      expect(res.status, `${init.method ?? ''} ${path}`).toBe(expected);
    }
    // Juspay, authenticated, with missing pieces.
    const j = juspayAuth();
    expect((await call('/juspay/v2/txns/t1/authenticate', { method: 'POST', headers: j })).status).toBe(400);
    const noRouting = { authorization: j.authorization };
    expect((await call('/juspay/v2/txns/t1/authenticate/ch/resend', { method: 'POST', headers: noRouting })).status).toBe(400);
  });

  it('accepts only the test OTP, and never echoes one', async () => {
    const form = (otp: string) => new URLSearchParams({ challenge_id: 'ch_1', 'answer.otp': otp }).toString();
    const post = (otp: string) =>
      call('/juspay/v2/txns/t9/authenticate', { method: 'POST', headers: { ...juspayAuth(), 'content-type': 'application/x-www-form-urlencoded' }, body: form(otp) });
    const wrong = await post('999999');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).not.toContain('999999');
    const right = await post('123456');
    expect(right.status).toBe(200);
    const body = await right.text();
    expect(JSON.parse(body).status).toBe('CHARGED');
    expect(body).not.toContain('123456');
  });

  it('posts the documented Enkash notification to PayOps, and its status answers afterwards', async () => {
    const res = await call('/__sandbox/send/enkash-notify', { json: { key: 's3cret' } });
    expect(res.status).toBe(200);
    const delivered = (await res.json()) as { url: string; status: number };
    expect(delivered).toMatchObject({ status: 200, url: `${payops.url}/api/webhooks/enkash/notify?key=HIDDEN` });
    expect(payops.received).toHaveLength(1);
    expect(payops.received[0]).toMatchObject({ url: '/api/webhooks/enkash/notify?key=s3cret', body: DOCUMENTED_EXAMPLE });
    expect(sandbox.control.transaction('enkash', 'EK1738916997652yh8GL')?.status).toBe('SUCCESS');
  });

  it('posts a Juspay webhook with HTTP Basic, the example by default or a given event', async () => {
    await call('/__sandbox/send/juspay', { json: { username: 'payops', password: 'hook-pass' } });
    const event = { id: 'evt_V2_1', event_name: 'ORDER_FAILED', date_created: '2026-01-01T00:00:00Z', content: { order: { order_id: 'o1', status: 'AUTHENTICATION_FAILED' } } };
    await call('/__sandbox/send/juspay', { json: { url: `${payops.url}/hooks/j`, username: 'payops', password: 'hook-pass', event } });
    expect(payops.received.map((r) => r.url)).toEqual(['/api/webhooks/juspay', '/hooks/j']);
    expect(payops.received[0].headers.authorization).toBe(`Basic ${Buffer.from('payops:hook-pass').toString('base64')}`);
    expect(payops.received[0].body).toBe(JUSPAY_WEBHOOK_EXAMPLE);
    expect(JSON.parse(payops.received[1].body)).toEqual(event);
  });

  it('says so when PayOps cannot be reached', async () => {
    const closed = await captureServer();
    closed.close();
    const res = await call('/__sandbox/send/enkash-notify', { json: { url: `${closed.url}/api/webhooks/enkash/notify` } });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: 'delivery_failed' });
  });
});

async function captureServer() {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ url: req.url ?? '', headers: req.headers, body });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => server.close() };
}
