import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { GET as getOne } from '@/app/api/v1/transactions/[transactionId]/route';
import { GET as list } from '@/app/api/v1/transactions/route';
import { POST as notify } from '@/app/api/webhooks/enkash/notify/route';
import { GET as health } from '@/app/api/health/route';
import { GET as live } from '@/app/api/health/live/route';
import { DOCUMENTED_EXAMPLE, exampleWith, notifyRequest } from '@/test/enkash';

const TOKEN = 'api-token-for-tests';
const SECRET = 'webhook-secret-for-tests';
process.env.PAYOPS_API_TOKEN = TOKEN;
process.env.ENKASH_WEBHOOK_SECRET = SECRET;

const api = (path: string, token: string | null = TOKEN) =>
  new Request(`http://payops.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const one = (id: string, token?: string | null) =>
  getOne(api(`/api/v1/transactions/${encodeURIComponent(id)}`, token), { params: Promise.resolve({ transactionId: id }) });
const send = (body: string) => notify(notifyRequest(body, { key: SECRET }));

describe.each(await testDatabaseKinds())('read API and health on $kind', ({ create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
    useDbHandle(t.handle);
    // 30 payments over three IST days, a few card last-fours and modes.
    for (let i = 0; i < 30; i++) {
      const day = String(5 + (i % 3)).padStart(2, '0');
      await send(
        exampleWith({
          transactionId: `EKREAD${String(i).padStart(3, '0')}`,
          uniqueTransactionId: `U${i}`,
          orderId: `ORDER-${i}`,
          bankTransactionId: `BANK${i}`,
          status: i % 5 === 0 ? 'FAILED' : 'SUCCESS',
          paymentMode: i % 2 ? 'UPI' : 'CREDIT_CARD',
          maskedCardNumber: `XXXX XXXX XXXX ${i % 4 === 0 ? '4242' : '9015'}`,
          txnDate: `2025-03-${day} ${String(i % 24).padStart(2, '0')}:15:00`,
          amount: `${i}.10`,
          finalAmount: `${i}.10`,
        }),
      );
    }
    await send(DOCUMENTED_EXAMPLE);
    await send(DOCUMENTED_EXAMPLE);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('shows the documented example with IST time, exact amounts and last four 9015', async () => {
    const res = await one('EK1738916997652yh8GL');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      transactionId: 'EK1738916997652yh8GL',
      status: 'SUCCESS',
      amount: '500.0000',
      finalAmount: '500.0000',
      surcharge: '0.0000',
      txnAt: '2025-02-07T14:00:05+05:30',
      card: { scheme: null, last4: '9015' },
    });
    expect(body.events).toHaveLength(1);
    expect(body.events[0]).toMatchObject({ status: 'SUCCESS', effect: 'created', duplicateCount: 1 });
    expect(JSON.stringify(body)).not.toMatch(/paymentToken|9ceac38e|cardholder/i);
  });

  it('answers 404 for an unknown id and 401 without the right token', async () => {
    expect((await one('NOPE')).status).toBe(404);
    expect((await one('EK1738916997652yh8GL', null)).status).toBe(401);
    expect((await one('EK1738916997652yh8GL', 'wrong')).status).toBe(401);
    expect((await list(api('/api/v1/transactions', null))).status).toBe(401);
    const res = await list(api('/api/v1/transactions', 'wrong'));
    expect((await res.json()).error.code).toBe('unauthorized');
  });

  it('lists newest first and pages with keyset cursors without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(api(`/api/v1/transactions?limit=7${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.status).toBe(200);
      const body = await res.json();
      seen.push(...body.data.map((d: { transactionId: string }) => d.transactionId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(31);
    expect(new Set(seen).size).toBe(31);
    const all = await (await list(api('/api/v1/transactions?limit=200'))).json();
    const times = all.data.map((d: { txnAt: string }) => Date.parse(d.txnAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.data.map((d: { transactionId: string }) => d.transactionId)).toEqual(seen);
  });

  it.each([
    ['transactionId', 'EKREAD007'],
    ['uniqueTransactionId', 'U7'],
    ['orderId', 'ORDER-7'],
    ['bankTransactionId', 'BANK7'],
  ])('finds a payment by its %s', async (_field, q) => {
    const body = await (await list(api(`/api/v1/transactions?q=${q}`))).json();
    expect(body.data.map((d: { transactionId: string }) => d.transactionId)).toEqual(['EKREAD007']);
  });

  it('finds payments by card last four, status, payment mode and IST days', async () => {
    const byCard = await (await list(api('/api/v1/transactions?q=4242&limit=200'))).json();
    expect(byCard.data).toHaveLength(8);
    expect(byCard.data.every((d: { card: { last4: string } }) => d.card.last4 === '4242')).toBe(true);

    const failedUpi = await (await list(api('/api/v1/transactions?status=failed&paymentMode=UPI&limit=200'))).json();
    expect(failedUpi.data.map((d: { transactionId: string }) => d.transactionId).sort()).toEqual(['EKREAD005', 'EKREAD015', 'EKREAD025']);

    // 2025-03-06 IST holds i % 3 === 1; the boundary is IST midnight, not UTC.
    const day = await (await list(api('/api/v1/transactions?from=2025-03-06&to=2025-03-06&limit=200'))).json();
    expect(day.data).toHaveLength(10);
    expect(day.data.every((d: { txnAt: string }) => d.txnAt.startsWith('2025-03-06T'))).toBe(true);
  });

  it.each([
    ['a bad cursor', 'cursor=not-a-cursor'],
    ['a limit over 200', 'limit=500'],
    ['a bad date', 'from=yesterday'],
    ['a status with SQL in it', "status=SUCCESS'--"],
    ['an over-long query', `q=${'x'.repeat(300)}`],
    ['an inexact amount', 'minAmount=1.23456'],
    ['an amount that is not a number', 'maxAmount=abc'],
    ['an unknown provider', 'provider=paypal'],
    ['a bad flagged value', 'flagged=yes'],
    ['a day Postgres cannot hold', 'to=9999-12-31'],
  ])('refuses %s with 400 and says which parameter', async (_name, query) => {
    const res = await list(api(`/api/v1/transactions?${query}`));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues[0].path).toBe(query.split('=')[0]);
  });

  it('treats search text as data: quotes, percent signs, backslashes and NUL find nothing, never a 500', async () => {
    for (const q of ["' OR 1=1 --", '%', '_', '\\', 'a\u0000b', '😀']) {
      const res = await list(api(`/api/v1/transactions?q=${encodeURIComponent(q)}`));
      expect(res.status, q).toBe(200);
      expect((await res.json()).data).toEqual([]);
    }
  });

  it('filters by provider, exact amount range and flagged payments', async () => {
    const range = await (await list(api('/api/v1/transactions?minAmount=10.1&maxAmount=12.10&limit=200'))).json();
    expect(range.data.map((d: { transactionId: string }) => d.transactionId).sort()).toEqual(['EKREAD010', 'EKREAD011', 'EKREAD012']);
    const juspay = await (await list(api('/api/v1/transactions?provider=juspay'))).json();
    expect(juspay.data).toEqual([]);
    const flagged = await (await list(api('/api/v1/transactions?flagged=1&limit=200'))).json();
    expect(flagged.data.every((d: { flags: string[] }) => d.flags.length > 0)).toBe(true);
  });

  it('does not match cardholder names: the API never shows them, so it must not probe them', async () => {
    await send(exampleWith({ transactionId: 'EKREADNAME', cardHolderName: 'Rahul Sharma', maskedCardNumber: null }));
    const byName = await (await list(api('/api/v1/transactions?q=sharma'))).json();
    expect(byName.data).toEqual([]);
    const byId = await (await list(api('/api/v1/transactions?q=EKREADNAME'))).json();
    expect(byId.data.map((d: { transactionId: string }) => d.transactionId)).toEqual(['EKREADNAME']);
  });

  it('reports health: live without I/O, and the database status', async () => {
    expect((await live()).status).toBe(200);
    const res = await health();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', database: { kind: t.kind, ok: true } });
  });
});
