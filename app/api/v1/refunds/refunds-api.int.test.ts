import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows, useDbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { presentTransactionDetail } from '@/lib/payments/present';
import { getTransactionDetail } from '@/lib/payments/queries';
import { errorResponse } from '@/lib/route';
import { handleRefundApi } from '@/lib/refunds/api';

// The merchant's refund API (issue 12): the handler the route calls, a real database. The
// auto-approval threshold is switched per test through the refund policy.
const policy = vi.hoisted(() => ({ autoBelow: null as string | null }));
vi.mock('@/lib/refunds/config', async (original) => {
  const real = await original<typeof import('@/lib/refunds/config')>();
  return { ...real, refundPolicy: () => ({ ...real.refundPolicy(), apiAutoApproveBelow: policy.autoBelow }) };
});

const TOKEN = 'refund-api-test-token';
let n = 0;

describe.each(await testDatabaseKinds())('refund API on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  const queued: number[] = [];
  const call = (body: unknown, opts: { key?: string | null; token?: string | null; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.7', ...opts.headers };
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? TOKEN}`;
    if (opts.key !== null) headers['idempotency-key'] = opts.key ?? `key-${++n}-${Date.now()}`;
    const req = new Request('http://payops.test/api/v1/refunds', { method: 'POST', headers, body: typeof body === 'string' ? body : body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body) });
    return handleRefundApi(req, { db: db(), apiToken: TOKEN, queueSend: async (id) => void queued.push(id) }).catch((err) => errorResponse(err, req));
  };
  const payment = async (p: { amount?: string; provider?: string; status?: string; family?: string; id?: string } = {}) => {
    const txnId = p.id ?? `EKAPI${process.pid}x${++n}`;
    const [r] = await queryRows<{ id: string }>(
      db(),
      sql`INSERT INTO transactions (provider, transaction_id, order_id, status, status_rank, status_family, txn_at, final_amount, amount, currency)
          VALUES (${p.provider ?? 'enkash'}, ${txnId}, ${'ord_' + txnId}, ${p.status ?? 'SUCCESS'}, 50, ${p.family ?? 'success'}, now(), ${p.amount ?? '1000.00'}, ${p.amount ?? '1000.00'}, 'INR')
          RETURNING id`,
    );
    return { rowId: Number(r.id), txnId };
  };
  const refundCount = async () => Number((await queryRows<{ n: string }>(db(), sql`SELECT count(*) AS n FROM refunds`))[0].n);

  beforeAll(async () => {
    t = await create();
    useDbHandle(t.handle);
  });
  afterAll(async () => t?.cleanup());

  it('creates a request that waits for a person, and answers a repeat with the first refund', async () => {
    policy.autoBelow = null;
    const p = await payment();
    const key = `order-77-refund-${n}`;
    const res = await call({ transactionId: p.txnId, amount: '250.50', reason: 'Customer returned one item' }, { key });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({ state: 'requested', amount: '250.5000', currency: 'INR', reason: 'Customer returned one item', holds: [], providerRefundId: null, arn: null });
    expect(body.requestId).toMatch(/^PR[A-Z0-9]{18}$/);
    expect(body.expiresAt).toMatch(/\+05:30$/);
    const again = await call({ transactionId: p.txnId, amount: '250.50', reason: 'Customer returned one item' }, { key });
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(body.id);
    // The same key with another amount or reason: refused, nothing new.
    expect((await call({ transactionId: p.txnId, amount: '250.00', reason: 'Customer returned one item' }, { key })).status).toBe(409);
    expect((await call({ transactionId: p.txnId, reason: 'Customer returned one item' }, { key })).status).toBe(409);
    expect((await call({ transactionId: p.txnId, amount: '250.50', reason: 'Something else entirely' }, { key })).status).toBe(409);
    const [row] = await queryRows<{ source: string; requested_by: string | null; idempotency_key: string }>(db(), sql`SELECT source, requested_by, idempotency_key FROM refunds WHERE id = ${body.id}`);
    expect(row).toEqual({ source: 'api', requested_by: null, idempotency_key: `api:${key}` });
    const [audit] = await queryRows<{ actor: string; actor_role: string; source_ip: string }>(db(), sql`SELECT actor, actor_role, source_ip FROM audit_log WHERE target = ${`refund:${body.id}`} ORDER BY seq`);
    expect(audit).toEqual({ actor: 'api', actor_role: 'api', source_ip: '198.51.100.7' });
    expect(queued).not.toContain(body.id);
  });

  it('gives one refund for two calls with one key at once', async () => {
    const p = await payment();
    const key = `race-${n}`;
    const [a, b] = await Promise.all([call({ transactionId: p.txnId, amount: '10', reason: 'Double click' }, { key }), call({ transactionId: p.txnId, amount: '10', reason: 'Double click' }, { key })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect((await a.json()).id).toBe((await b.json()).id);
  });

  it('approves small requests by itself when configured, and queues their send', async () => {
    policy.autoBelow = '500';
    try {
      const p = await payment();
      const small = await call({ transactionId: p.txnId, amount: '499.99', reason: 'Late delivery' });
      expect(small.status).toBe(201);
      const s = await small.json();
      expect(s.state).toBe('approved');
      expect(queued).toContain(s.id);
      const steps = await queryRows<{ action: string; actor: string }>(db(), sql`SELECT action, actor FROM audit_log WHERE target = ${`refund:${s.id}`} ORDER BY seq`);
      expect(steps).toEqual([{ action: 'refunds.requested', actor: 'api' }, { action: 'refunds.approved', actor: 'system:api-auto-approve' }]);
      const [event] = await queryRows<{ actor: string }>(db(), sql`SELECT actor FROM refund_events WHERE refund_id = ${s.id} AND action = 'approved'`);
      expect(event.actor).toBe('system:api-auto-approve');
      // At the threshold and above: a person decides.
      const large = await call({ transactionId: p.txnId, amount: '500', reason: 'Late delivery' });
      expect((await large.json()).state).toBe('requested');
      // Omitted amount: everything refundable now (1000 − 499.99 held), too much to auto-approve.
      const rest = await call({ transactionId: p.txnId, reason: 'Cancel the rest' });
      expect(await rest.json()).toMatchObject({ state: 'requested', amount: '500.0100' });
    } finally {
      policy.autoBelow = null;
    }
  });

  it('refuses more than is refundable, an unknown payment and a payment that cannot be refunded', async () => {
    const p = await payment({ amount: '100.00' });
    const over = await call({ transactionId: p.txnId, amount: '100.01', reason: 'Too much' });
    expect(over.status).toBe(400);
    expect((await over.json()).error.message).toContain('100.00');
    expect((await call({ transactionId: 'NO_SUCH_TXN', amount: '1', reason: 'Who is this' })).status).toBe(404);
    const failed = await payment({ status: 'FAILED', family: 'failed' });
    expect((await call({ transactionId: failed.txnId, amount: '1', reason: 'Failed payment' })).status).toBe(400);
    // Same id at two providers: the caller must say which.
    const id = `DUP${n++}`;
    await payment({ id, provider: 'enkash' });
    const j = await payment({ id, provider: 'juspay' });
    expect((await call({ transactionId: id, amount: '1', reason: 'Which one' })).status).toBe(400);
    const which = await call({ transactionId: id, provider: 'juspay', amount: '1', reason: 'This one' });
    expect(which.status).toBe(201);
    const [row] = await queryRows<{ transaction_row_id: string }>(db(), sql`SELECT transaction_row_id FROM refunds WHERE id = ${(await which.json()).id}`);
    expect(Number(row.transaction_row_id)).toBe(j.rowId);
  });

  it('refuses without a token, without or with a bad Idempotency-Key, and bad bodies', async () => {
    const p = await payment();
    const ok = { transactionId: p.txnId, amount: '1', reason: 'Fine reason' };
    expect((await call(ok, { token: null })).status).toBe(401);
    expect((await call(ok, { token: 'nope' })).status).toBe(401);
    expect((await call(ok, { key: null })).status).toBe(400);
    expect((await call(ok, { key: 'x'.repeat(129) })).status).toBe(400);
    expect((await call(ok, { key: 'has space' })).status).toBe(400);
    expect((await call('{"transactionId":')).status).toBe(400);
    expect((await call({ ...ok, amount: 12.5 })).status).toBe(400);
    expect((await call({ ...ok, amount: '1.234' })).status).toBe(400);
    expect((await call({ ...ok, amount: '-1' })).status).toBe(400);
    expect((await call({ ...ok, reason: ' ' })).status).toBe(400);
    expect((await call({ ...ok, transactionId: '4111 1111 1111 1111' })).status).toBe(400);
    expect((await call({ ...ok, reason: 'x'.repeat(9000) })).status).toBe(413);
    expect((await call(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).status).toBe(400);
    const before = await refundCount();
    // A small fuzz loop: random bytes, random JSON and mutated bodies never reach a 5xx or create a refund unasked.
    const keys = ['transactionId', 'amount', 'reason', 'provider', '__proto__', 'constructor'];
    const values = (): unknown => [null, true, 0, -1, 1e308, '', ' ', '=cmd|/C calc', '\u0000', '🙂'.repeat(40), 'x'.repeat(700), [], {}, { a: 1 }, '4111111111111111'][Math.floor(Math.random() * 15)];
    for (let i = 0; i < 120; i++) {
      let body: unknown;
      if (i % 3 === 0) body = new Uint8Array(randomBytes(1 + (i % 64)));
      else {
        const o: Record<string, unknown> = {};
        for (const k of keys) if (Math.random() < 0.6) o[k] = values();
        body = i % 3 === 1 ? o : JSON.stringify(o).slice(0, Math.floor(Math.random() * 60));
      }
      const res = await call(body);
      expect(res.status, `case ${i}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `case ${i}`).toBeLessThan(500);
      const text = await res.text();
      expect(text).not.toContain('4111111111111111');
      expect(text).not.toContain(TOKEN);
    }
    expect(await refundCount()).toBe(before);
  });

  it('lists a payment’s refunds and what is refundable in the transaction detail', async () => {
    policy.autoBelow = '1000';
    try {
      const p = await payment({ amount: '300.00' });
      const a = await (await call({ transactionId: p.txnId, amount: '100', reason: 'Part one' })).json();
      const detail = presentTransactionDetail((await getTransactionDetail(db(), { transactionId: p.txnId }))!);
      expect(detail.refunds).toEqual([expect.objectContaining({ id: a.id, state: 'approved', amount: '100.0000' })]);
      expect(detail.refundable).toBe('200.0000');
      expect(detail.refundBlocked).toBeNull();
    } finally {
      policy.autoBelow = null;
    }
  });
});
