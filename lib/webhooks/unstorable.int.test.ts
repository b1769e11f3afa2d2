import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { normalizeEnkashNotify } from '@/lib/payments/enkash-notify';
import type { PaymentClaim } from '@/lib/payments/claim';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { basicAuth, juspayEvent, juspayRequest } from '@/test/juspay';
import { handleEnkashNotify } from './enkash-notify';
import { handleWebhook, type WebhookSpec } from './handle';
import { handleJuspayWebhook } from './juspay';

// Issue 7, item 2. First line: a provider time the database could not hold never reaches it
// (flagged, receipt time used). Second line: whatever else slips through normalisation and is
// refused by the database as data is recorded as a refused delivery and answered 400, never an
// unrecorded 5xx. The second line is forced here with a normaliser that lets bad values through.
const SECRET = 'unstorable-secret';
const USER = 'juspay-user';
const PASSWORD = 'juspay-password';

/** The Enkash spec with a normaliser that spoils the claim after the real normaliser ran. */
function spoiledSpec(spoil: (claim: PaymentClaim) => void): WebhookSpec {
  return {
    provider: 'enkash',
    what: 'Enkash notifications',
    authenticate: () => ({ auth: 'ok' }),
    normalize: (json) => {
      const r = normalizeEnkashNotify(json);
      if (r.ok) spoil(r.claim);
      return r;
    },
    secretKeys: ['paymentToken'],
  };
}

describe.each(await testDatabaseKinds())('deliveries the database cannot store, on $kind', ({ create }) => {
  let t: TestDb;
  let n = 0;
  const logged: string[] = [];
  const fresh = () => `EKUNST${Date.now()}x${++n}`;
  const db = () => t.handle.db;
  const deps = { db: async () => db() };
  const deliveriesOf = (id: string) => queryRows<Record<string, any>>(db(), sql`SELECT * FROM deliveries WHERE transaction_id = ${id} ORDER BY id`);
  const lastDelivery = async () => (await queryRows<Record<string, any>>(db(), sql`SELECT * FROM deliveries ORDER BY id DESC LIMIT 1`))[0];
  const count = async (table: string, id: string) =>
    Number((await queryRows<{ n: string }>(db(), sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE transaction_id = ${id}`))[0].n);
  const post = (spec: WebhookSpec, body: string) => handleWebhook(notifyRequest(body, { key: SECRET }), spec, deps);

  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation((...args) => void logged.push(args.map(String).join(' ')));
    t = await create();
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.cleanup();
  });

  describe('provider times out of range (the first line)', () => {
    const receivedNow = (at: Date | string) => Math.abs(new Date(at).getTime() - Date.now()) < 60_000;

    it.each(['0000-01-01 00:00:00', '0001-01-01 05:29:59', '0001-01-01 00:00:00', '9999-12-31 23:59:59-23:59', '9999-12-31T23:59:59'])(
      'accepts an Enkash txnDate of %j, flags it and keeps the receipt time',
      async (txnDate) => {
        const id = fresh();
        const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: id, txnDate }), { key: SECRET }), { ...deps, secret: SECRET });
        expect(res.status).toBe(200);
        const [row] = await queryRows<Record<string, any>>(db(), sql`SELECT * FROM transactions WHERE transaction_id = ${id}`);
        expect(row.flags).toContain('invalid_txn_date');
        expect(receivedNow(row.txn_at)).toBe(true);
        const [event] = await queryRows<Record<string, any>>(db(), sql`SELECT * FROM payment_events WHERE transaction_id = ${id}`);
        expect(event.txn_at).toBeNull();
        expect((await deliveriesOf(id)).map((d) => d.outcome)).toEqual(['accepted']);
      },
    );

    it.each(['0000-06-01T00:00:00Z', '0001-01-01T05:29:59+05:30', '9999-12-31T23:59:59-23:59'])(
      'accepts a Juspay time of %j, flags it and keeps the receipt time',
      async (created) => {
        const order = `JUNST${Date.now()}x${++n}`;
        const req = juspayRequest(juspayEvent({ id: `evt_${order}`, txn: order, txnDetail: { created }, order: { date_created: created } }), { authorization: basicAuth(USER, PASSWORD) });
        const res = await handleJuspayWebhook(req, { ...deps, credentials: { username: USER, password: PASSWORD, required: true } });
        expect(res.status).toBe(200);
        const [row] = await queryRows<Record<string, any>>(db(), sql`SELECT * FROM transactions WHERE transaction_id = ${`payopsdemo-${order}-1`}`);
        expect(row.flags).toContain('invalid_txn_date');
        expect(receivedNow(row.txn_at)).toBe(true);
      },
    );
  });

  describe('data the database refuses (the second line)', () => {
    it.each([
      // A date the normaliser should have caught: year 0 once shifted to UTC.
      ['a date out of range', '22008', (c: PaymentClaim) => void (c.txnAt = new Date('0000-06-01T00:00:00Z'))],
      ['a number out of range', '22003', (c: PaymentClaim) => void (c.statusRank = 99_999)],
      ['a NUL in a JSON key', '22P05', (c: PaymentClaim) => void (c.payload = { ...c.payload, 'odd\u0000key': 1 })],
      ['a missing required value', '23502', (c: PaymentClaim) => void (c.status = null as unknown as string)],
    ])('records %s as a refused delivery and answers 400 (SQLSTATE %s)', async (_name, sqlstate, spoil) => {
      const id = fresh();
      const res = await post(spoiledSpec(spoil), exampleWith({ transactionId: id }));
      expect(res.status).toBe(400);
      const answer = await res.json();
      expect(answer.error.code).toBe('invalid_input');
      expect(answer.error.message).toContain(`SQLSTATE ${sqlstate}`);
      const [delivery] = await deliveriesOf(id);
      expect(delivery).toMatchObject({ outcome: 'rejected', http_status: 400, auth: 'ok', source_ip: '203.0.113.7', reason: answer.error.message, event_id: null });
      // The refused body is kept (redacted) for the operator, as for any other refusal.
      expect(delivery.body).toContain(id);
      expect(delivery.body).not.toContain('9ceac38e65db443d5f48'); // the documented payment token
      // Nothing of it was half-written.
      expect(await count('transactions', id)).toBe(0);
      expect(await count('payment_events', id)).toBe(0);
    });

    it("never quotes the driver's message, which can hold the refused value", async () => {
      const id = fresh();
      const res = await post(spoiledSpec((c) => void (c.txnAt = new Date('-000001-06-01T00:00:00Z'))), exampleWith({ transactionId: id }));
      const text = await res.text();
      expect(text).not.toMatch(/out of range|-000001|0000-/);
      expect((await deliveriesOf(id))[0].reason).not.toMatch(/out of range|-000001|0000-/);
      const line = logged.find((l) => l.includes(id))!;
      expect(line).toContain('SQLSTATE 22007'); // invalid datetime format
      expect(line).not.toMatch(/out of range|-000001/);
    });

    it('still records the refusal when its body or id is what the database refuses (a value too large to index)', async () => {
      // Random, so compression cannot shrink it under the btree row limit: SQLSTATE 54000.
      const huge = randomBytes(6000).toString('hex');
      const before = (await lastDelivery())?.id ?? 0;
      const res = await post(spoiledSpec((c) => void (c.transactionId = huge)), exampleWith({ transactionId: fresh() }));
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toContain('SQLSTATE 54000');
      const last = await lastDelivery();
      expect(Number(last.id)).toBeGreaterThan(Number(before));
      expect(last).toMatchObject({ outcome: 'rejected', http_status: 400, transaction_id: null, body: null });
      expect(last.reason).toMatch(/SQLSTATE 54000.*could not be kept/);
    });

    it('leaves an unavailable database a 503 (retry), unrecorded', async () => {
      const spec = spoiledSpec(() => {});
      const gone = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
      let calls = 0;
      const res = await handleWebhook(notifyRequest(exampleWith({ transactionId: fresh() }), { key: SECRET }), spec, {
        db: async () => {
          calls++;
          throw gone;
        },
      });
      expect(res.status).toBe(503);
      expect(calls).toBe(1);
    });
  });
});
