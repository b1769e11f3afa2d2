import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { dumpTables, testDatabaseKinds, type TestDb } from '@/db/testing';
import { DOCUMENTED_EXAMPLE, DOCUMENTED_TOKEN, exampleWith, notifyRequest } from '@/test/enkash';
import { handleEnkashNotify, MAX_BODY_BYTES } from './enkash-notify';

const SECRET = 'test-secret-0123456789';

describe.each(await testDatabaseKinds())('Enkash notify webhook on $kind', ({ create }) => {
  let t: TestDb;
  const deps = (secret: string | null = SECRET) => ({ db: async () => t.handle.db, secret: secret ?? undefined });
  const post = (body: BodyInit | null, options: Parameters<typeof notifyRequest>[1] = {}) =>
    handleEnkashNotify(notifyRequest(body, { key: SECRET, ...options }), deps());
  const rows = <T = Record<string, unknown>>(query: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, query);
  const txn = async (id: string) => (await rows<Record<string, any>>(sql`SELECT * FROM transactions WHERE transaction_id = ${id}`))[0];
  const deliveriesOf = (id: string) =>
    rows<Record<string, any>>(sql`SELECT * FROM deliveries WHERE transaction_id = ${id} ORDER BY id`);
  const lastDelivery = async () => (await rows<Record<string, any>>(sql`SELECT * FROM deliveries ORDER BY id DESC LIMIT 1`))[0];
  const everything = () => dumpTables(t.handle.db);

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  let n = 0;
  let id: string;
  beforeEach(() => {
    id = `EKTEST${Date.now()}${++n}`;
  });

  it('accepts the documented example exactly as printed and answers 200 {}', async () => {
    const res = await post(DOCUMENTED_EXAMPLE);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const row = await txn('EK1738916997652yh8GL');
    expect(row).toMatchObject({
      status: 'SUCCESS',
      amount: '500.0000',
      final_amount: '500.0000',
      surcharge: '0.0000',
      surcharge_gst: '0.0000',
      mdr: null,
      card_last4: '9015',
      payment_mode: 'PREPAID_CARD',
      unique_transaction_id: 'EK66674UU7T',
      flags: [],
    });
    // txnDate has no zone: it is India time, 14:00:05 IST = 08:30:05 UTC.
    expect(new Date(row.txn_at).toISOString()).toBe('2025-02-07T08:30:05.000Z');
    expect(row.payment_token_sha256).toMatch(/^[0-9a-f]{64}$/);
    const [delivery] = await deliveriesOf('EK1738916997652yh8GL');
    expect(delivery).toMatchObject({ outcome: 'accepted', auth: 'ok', http_status: 200, effect: 'created', source_ip: '203.0.113.7' });
  });

  it('never stores the payment token in clear', async () => {
    await post(DOCUMENTED_EXAMPLE);
    await post(exampleWith({ transactionId: id }), { key: 'wrong' });
    expect(await everything()).not.toContain(DOCUMENTED_TOKEN);
  });

  it('counts a repeated delivery as a duplicate and changes nothing else', async () => {
    const body = exampleWith({ transactionId: id });
    expect((await post(body)).status).toBe(200);
    const before = await txn(id);
    // Same notification with its keys in another order is the same notification.
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(body)).reverse()));
    const res = await post(reordered);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(await txn(id)).toEqual(before);
    const events = await rows<Record<string, any>>(sql`SELECT * FROM payment_events WHERE transaction_id = ${id}`);
    expect(events).toHaveLength(1);
    expect(events[0].duplicate_count).toBe(1);
    expect((await deliveriesOf(id)).map((d) => d.outcome)).toEqual(['accepted', 'duplicate']);
  });

  it('turns 20 concurrent identical deliveries into one transaction, one event and no 5xx', async () => {
    const body = exampleWith({ transactionId: id });
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(body)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(await rows(sql`SELECT 1 FROM transactions WHERE transaction_id = ${id}`)).toHaveLength(1);
    const events = await rows<Record<string, any>>(sql`SELECT duplicate_count FROM payment_events WHERE transaction_id = ${id}`);
    expect(events).toEqual([{ duplicate_count: 19 }]);
    const outcomes = (await deliveriesOf(id)).map((d) => d.outcome);
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    expect((await txn(id)).event_count).toBe(1);
  });

  it('never lets a late PENDING overwrite SUCCESS, and lets PENDING move forward to SUCCESS', async () => {
    await post(exampleWith({ transactionId: id, status: 'SUCCESS' }));
    await post(exampleWith({ transactionId: id, status: 'PENDING_WITH_BANK', txnMsg: 'late' }));
    expect(await txn(id)).toMatchObject({ status: 'SUCCESS', last_effect: 'stale', txn_message: 'Transaction successful.' });

    const other = `${id}B`;
    await post(exampleWith({ transactionId: other, status: 'PENDING_WITH_BANK', txnMsg: 'waiting' }));
    await post(exampleWith({ transactionId: other, status: 'SUCCESS' }));
    expect(await txn(other)).toMatchObject({ status: 'SUCCESS', last_effect: 'applied', event_count: 2 });
    expect((await deliveriesOf(other)).map((d) => d.effect)).toEqual(['created', 'applied']);
  });

  it('keeps a contradiction between final statuses and flags it for a person', async () => {
    await post(exampleWith({ transactionId: id, status: 'SUCCESS' }));
    const res = await post(exampleWith({ transactionId: id, status: 'FAILED', txnMsg: 'Declined' }));
    expect(res.status).toBe(200);
    const row = await txn(id);
    expect(row.status).toBe('SUCCESS');
    expect(row.flags).toContain('status_conflict');
    const events = await rows<Record<string, any>>(sql`SELECT status FROM payment_events WHERE transaction_id = ${id} ORDER BY id`);
    expect(events.map((e) => e.status)).toEqual(['SUCCESS', 'FAILED']);
    expect((await deliveriesOf(id)).map((d) => d.effect)).toEqual(['created', 'conflict']);
  });

  it('moves SUCCESS forward to REFUNDED', async () => {
    await post(exampleWith({ transactionId: id, status: 'SUCCESS' }));
    await post(exampleWith({ transactionId: id, status: 'REFUNDED' }));
    expect(await txn(id)).toMatchObject({ status: 'REFUNDED', status_family: 'success', flags: [] });
  });

  it('keeps an unknown status and flags it, without letting it overwrite a known one', async () => {
    const res = await post(exampleWith({ transactionId: id, status: 'SOMETHING_NEW', orderStatus: 'ODD', paymentMode: 'CRYPTO' }));
    expect(res.status).toBe(200);
    expect(await txn(id)).toMatchObject({ status: 'SOMETHING_NEW', payment_mode: 'CRYPTO' });
    expect((await txn(id)).flags).toEqual(expect.arrayContaining(['unknown_status', 'unknown_order_status', 'unknown_payment_mode']));

    const known = `${id}K`;
    await post(exampleWith({ transactionId: known, status: 'SUCCESS' }));
    await post(exampleWith({ transactionId: known, status: 'SOMETHING_NEW' }));
    expect(await txn(known)).toMatchObject({ status: 'SUCCESS' });
    expect((await txn(known)).flags).toContain('unknown_status');
  });

  it('keeps unknown extra fields in the event payload', async () => {
    await post(exampleWith({ transactionId: id, brandNewField: { nested: [1, 'two'] } }));
    const [event] = await rows<Record<string, any>>(sql`SELECT payload FROM payment_events WHERE transaction_id = ${id}`);
    expect(event.payload.brandNewField).toEqual({ nested: ['1', 'two'] });
    expect(event.payload.paymentToken).toBe('[redacted]');
  });

  it('checks amount + surcharge + surchargeGst against finalAmount exactly, flagging a mismatch', async () => {
    await post(exampleWith({ transactionId: id, amount: '0.10', surcharge: '0.20', surchargeGst: 0, finalAmount: '0.30' }));
    expect((await txn(id)).flags).toEqual([]);
    const off = `${id}X`;
    const res = await post(`{"transactionId":"${off}","status":"SUCCESS","amount":"500.00","surcharge":10.0000,"surchargeGst":1.8000,"finalAmount":"511.00","txnDate":"2025-02-07 14:00:05"}`);
    expect(res.status).toBe(200);
    expect(await txn(off)).toMatchObject({ amount: '500.0000', surcharge_gst: '1.8000', final_amount: '511.0000', flags: ['amount_mismatch'] });
  });

  it('keeps the first amount when a later notification claims another, and flags it', async () => {
    await post(exampleWith({ transactionId: id, status: 'PENDING_WITH_BANK', amount: '500.00', finalAmount: '500.00' }));
    await post(exampleWith({ transactionId: id, status: 'SUCCESS', amount: '5000.00', finalAmount: '5000.00' }));
    expect(await txn(id)).toMatchObject({ status: 'SUCCESS', amount: '500.0000' });
    expect((await txn(id)).flags).toContain('amount_changed');
  });

  it('cuts a full card number to its last four wherever it appears, and flags the event', async () => {
    const pan = '4111 1111 1111 1111';
    const res = await post(
      exampleWith({ transactionId: id, maskedCardNumber: '4111-1111-1111-1111', cardHolderName: `A K ${pan}`, extra: { note: 'card 5555555555554444' } }),
    );
    expect(res.status).toBe(200);
    expect(await txn(id)).toMatchObject({ card_last4: '1111', cardholder_name: 'A K XXXX1111' });
    expect((await txn(id)).flags).toContain('card_number_scrubbed');
    const all = await everything();
    for (const digits of ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', '5555555555554444']) {
      expect(all).not.toContain(digits);
    }
  });

  it('scrubs card numbers and the token from refused bodies too', async () => {
    const body = exampleWith({ transactionId: id, maskedCardNumber: '4111111111111111' });
    expect((await post(body, { key: 'wrong' })).status).toBe(401);
    expect((await post(`${body.slice(0, -1)},`)).status).toBe(400);
    const all = await everything();
    expect(all).not.toContain('4111111111111111');
    expect(all).not.toContain(DOCUMENTED_TOKEN);
  });

  it('refuses a missing or wrong secret with 401, and records it', async () => {
    const missing = await post(exampleWith({ transactionId: id }), { key: null });
    expect(missing.status).toBe(401);
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', auth: 'missing', http_status: 401 });
    const wrong = await post(exampleWith({ transactionId: id }), { key: `${SECRET}x` });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('unauthorized');
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', auth: 'invalid', reason: 'The webhook secret is wrong.' });
    expect(await txn(id)).toBeUndefined();
  });

  it('accepts the secret as the HTTP Basic password with any user name', async () => {
    const basic = Buffer.from(`enkash:${SECRET}`).toString('base64');
    const res = await post(exampleWith({ transactionId: id }), { key: null, headers: { authorization: `Basic ${basic}` } });
    expect(res.status).toBe(200);
    expect((await deliveriesOf(id))[0].auth).toBe('ok');
  });

  it('without a configured secret accepts, but marks the delivery unauthenticated', async () => {
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: id })), deps(null));
    expect(res.status).toBe(200);
    expect((await deliveriesOf(id))[0]).toMatchObject({ auth: 'unauthenticated', flags: ['unauthenticated'] });
  });

  it.each([
    ['invalid JSON', '{"transactionId": "x",', /not valid JSON/],
    ['a JSON array', '[1,2,3]', /must be a JSON object/],
    ['a JSON string', '"hello"', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['no transactionId', '{"status":"SUCCESS"}', /transactionId/],
    ['an empty transactionId', '{"transactionId":"  "}', /transactionId/],
    ['an object transactionId', '{"transactionId":{"a":1}}', /transactionId/],
    ['an empty body', '', /not valid JSON/],
    ['JSON nested too deep', '['.repeat(10_000) + ']'.repeat(10_000), /deep|nest/i],
  ])('refuses %s with 400 and a reason, and records it', async (_name, body, reason) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe('invalid_input');
    expect(json.error.message).toMatch(reason);
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', http_status: 400, reason: json.error.message });
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    const res = await post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(res.status).toBe(400);
    expect(await lastDelivery()).toMatchObject({ reason: 'The body is not valid UTF-8.' });
  });

  it('refuses a body over 64 KiB with 413, declared or streamed, and records it', async () => {
    const big = exampleWith({ transactionId: id, padding: 'x'.repeat(MAX_BODY_BYTES) });
    const declared = await post(big, { headers: { 'content-length': String(Buffer.byteLength(big)) } });
    expect(declared.status).toBe(413);
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', http_status: 413 });

    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 100; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await post(stream);
    expect(streamed.status).toBe(413);
    const record = await lastDelivery();
    expect(record).toMatchObject({ outcome: 'rejected', http_status: 413 });
    expect(record.body.length).toBeLessThanOrEqual(16 * 1024);
    expect(await txn(id)).toBeUndefined();
  });

  it('answers other methods with 405 and records them', async () => {
    const { rejectEnkashMethod } = await import('./enkash-notify');
    const res = await rejectEnkashMethod(notifyRequest(null, { method: 'GET', key: SECRET }), deps());
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', http_status: 405, auth: 'ok' });
  });

  it('stores hostile text (NUL, lone surrogates, markup) without a 500', async () => {
    const body = `{"transactionId":"${id}","status":"SUCCESS","cardHolderName":"<img src=x onerror=alert(1)>\\u0000\\ud800","txnMsg":"a\\u0000b"}`;
    const res = await post(body);
    expect(res.status).toBe(200);
    const row = await txn(id);
    expect(row.cardholder_name).toBe('<img src=x onerror=alert(1)>\uFFFD\uFFFD');
    expect(row.flags).toContain('invalid_text_replaced');
  });

  it('keeps bad field values as flags, never a 500', async () => {
    const res = await post(
      `{"transactionId":"${id}","status":"SUCCESS","amount":"five hundred","finalAmount":1e3,"txnDate":"07/02/2025","surcharge":[1],"status2":null}`,
    );
    expect(res.status).toBe(200);
    const row = await txn(id);
    expect(row).toMatchObject({ amount: null, final_amount: null });
    expect(row.flags).toEqual(expect.arrayContaining(['invalid_money:amount', 'invalid_money:finalAmount', 'invalid_txn_date', 'invalid_money:surcharge']));
  });
});
