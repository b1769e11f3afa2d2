import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { dumpTables, testDatabaseKinds, type TestDb } from '@/db/testing';
import { JUSPAY_CARD_REFERENCE, JUSPAY_EVENT, basicAuth, juspayEvent, juspayRequest } from '@/test/juspay';
import { MAX_BODY_BYTES } from './handle';
import { JUSPAY_NOT_CONFIGURED, handleJuspayWebhook, rejectJuspayMethod, type JuspayCredentials, type JuspayDeps } from './juspay';

const USER = 'payops-juspay';
const PASSWORD = 'juspay-webhook-password-0123';
const AUTH = basicAuth(USER, PASSWORD);

describe.each(await testDatabaseKinds())('Juspay webhook on $kind', ({ create }) => {
  let t: TestDb;
  const credentials: JuspayCredentials = { username: USER, password: PASSWORD, required: true };
  const deps = (over: Partial<JuspayDeps> = {}): JuspayDeps => ({ db: async () => t.handle.db, credentials, ...over });
  const post = (body: BodyInit | null, options: Parameters<typeof juspayRequest>[1] = {}, over: Partial<JuspayDeps> = {}) =>
    handleJuspayWebhook(juspayRequest(body, { authorization: AUTH, ...options }), deps(over));
  const rows = <T = Record<string, any>>(query: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, query);
  const txn = async (id: string) =>
    (await rows<Record<string, any>>(sql`SELECT * FROM transactions WHERE provider = 'juspay' AND transaction_id = ${id}`))[0];
  const deliveriesOf = (id: string) => rows<Record<string, any>>(sql`SELECT * FROM deliveries WHERE transaction_id = ${id} ORDER BY id`);
  const lastDelivery = async () => (await rows<Record<string, any>>(sql`SELECT * FROM deliveries ORDER BY id DESC LIMIT 1`))[0];
  const everything = () => dumpTables(t.handle.db);

  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  let n = 0;
  let order: string;
  let txnId: string;
  const evt = () => `evt_V2_${order}_${++n}`;
  beforeEach(() => {
    order = `DOTP${Date.now()}${++n}`;
    txnId = `payopsdemo-${order}-1`;
  });

  it('records a Direct OTP payment waiting for its OTP, with what an OTP resend needs', async () => {
    const res = await post(JUSPAY_EVENT);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const row = await txn('payopsdemo-DOTP1738916997-1');
    expect(row).toMatchObject({
      provider: 'juspay',
      order_id: 'DOTP1738916997',
      unique_transaction_id: 'moz3C1sYSVgAxme31pL',
      status: 'PENDING_VBV',
      status_family: 'open',
      order_status: 'PENDING_VBV',
      transaction_status: 'PENDING_VBV',
      amount: '1499.5000',
      final_amount: '1499.5000',
      currency: 'INR',
      payment_mode: 'CREDIT_CARD',
      card_scheme: 'VISA',
      card_last4: '2986',
      bank_name: 'Axis Bank',
      cardholder_name: 'Asha Kulkarni',
      bank_transaction_id: '7389169970016530904011',
      txn_message: "Waiting for the customer's OTP",
      verification: 'unconfirmed',
      flags: [],
    });
    expect(row.otp_refs).toEqual({ txn_uuid: 'moz3C1sYSVgAxme31pL', challenge_id: 'ch_5c1f0e8a9d', customer_id: 'cth_iRT3ZLCcNdnigB63' });
    // The attempt's creation time, from txn_detail.created (UTC).
    expect(new Date(row.txn_at).toISOString()).toBe('2025-02-07T08:30:06.000Z');
    expect((await deliveriesOf(row.transaction_id))[0]).toMatchObject({ outcome: 'accepted', auth: 'ok', effect: 'created', source_ip: '198.51.100.9' });
  });

  it('deduplicates by event id, even when the repeat differs byte for byte', async () => {
    const id = evt();
    expect((await post(juspayEvent({ id, txn: order }))).status).toBe(200);
    const before = await txn(txnId);
    const res = await post(juspayEvent({ id, txn: order, status: 'CHARGED', order: { resp_message: 'resent later' } }));
    expect(res.status).toBe(200);
    expect(await txn(txnId)).toEqual(before);
    const events = await rows<Record<string, any>>(sql`SELECT duplicate_count FROM payment_events WHERE transaction_id = ${txnId}`);
    expect(events).toEqual([{ duplicate_count: 1 }]);
    expect((await deliveriesOf(txnId)).map((d) => d.outcome)).toEqual(['accepted', 'duplicate']);
  });

  it('moves PENDING_VBV forward to CHARGED, and never back', async () => {
    await post(juspayEvent({ id: evt(), txn: order }));
    await post(juspayEvent({ id: evt(), event: 'ORDER_SUCCEEDED', txn: order, status: 'CHARGED' }));
    expect(await txn(txnId)).toMatchObject({ status: 'CHARGED', status_family: 'success', last_effect: 'applied', event_count: 2 });
    await post(juspayEvent({ id: evt(), txn: order, status: 'PENDING_VBV' }));
    expect(await txn(txnId)).toMatchObject({ status: 'CHARGED', last_effect: 'stale' });
    expect((await deliveriesOf(txnId)).map((d) => d.effect)).toEqual(['created', 'applied', 'stale']);
  });

  it('keeps JUSPAY_DECLINED after CHARGED as a conflict flagged for a person', async () => {
    await post(juspayEvent({ id: evt(), txn: order, status: 'CHARGED' }));
    await post(juspayEvent({ id: evt(), event: 'ORDER_FAILED', txn: order, status: 'JUSPAY_DECLINED' }));
    const row = await txn(txnId);
    expect(row.status).toBe('CHARGED');
    expect(row.flags).toContain('status_conflict');
    expect((await deliveriesOf(txnId)).map((d) => d.effect)).toEqual(['created', 'conflict']);
  });

  it('merges OTP references key by key: a later event without them keeps them, a new challenge replaces the old', async () => {
    await post(juspayEvent({ id: evt(), txn: order }));
    await post(juspayEvent({ id: evt(), txn: order, order: { payment: null, customer_id: null } }));
    expect((await txn(txnId)).otp_refs).toEqual({ txn_uuid: `uuid${order}`, challenge_id: 'ch_5c1f0e8a9d', customer_id: 'cth_iRT3ZLCcNdnigB63' });
    await post(juspayEvent({ id: evt(), txn: order, order: { payment: { authentication: { params: { challenge_id: 'ch_second' } } } } }));
    expect((await txn(txnId)).otp_refs.challenge_id).toBe('ch_second');
  });

  it('lets a late event that does not win add missing OTP references but never replace current ones', async () => {
    const challenge = (id: string | null) => ({ payment: id === null ? null : { authentication: { params: { challenge_id: id } } } });
    // Sent in this order by Juspay: PENDING_VBV (ch_old), a resend's PENDING_VBV (ch_new), CHARGED.
    // Received: the new challenge, the charge, then the old event late.
    await post(juspayEvent({ id: evt(), txn: order, order: { ...challenge('ch_new'), customer_id: null } }));
    await post(juspayEvent({ id: evt(), txn: order, status: 'CHARGED', order: { ...challenge(null), txn_uuid: 'uuid_other', customer_id: null }, txnDetail: { txn_uuid: null } }));
    expect((await txn(txnId)).otp_refs).toEqual({ txn_uuid: 'uuid_other', challenge_id: 'ch_new' });
    await post(juspayEvent({ id: evt(), txn: order, order: { ...challenge('ch_old'), customer_id: 'cust_late' } }));
    const row = await txn(txnId);
    expect(row.status).toBe('CHARGED');
    expect(row.last_effect).toBe('stale');
    // The stale event adds the customer id it alone knows; its challenge and txn_uuid lose.
    expect(row.otp_refs).toEqual({ txn_uuid: 'uuid_other', challenge_id: 'ch_new', customer_id: 'cust_late' });
  });

  it('refuses ids longer than 128 characters with 400, recorded, so two long ids with one prefix never become one payment', async () => {
    const prefix = `payopsdemo-${order}-`.padEnd(128, 'x');
    for (const suffix of ['1', '2']) {
      const id = `${prefix}${suffix}`;
      const res = await post(juspayEvent({ id: evt(), txn: order, order: { txn_id: id }, txnDetail: { txn_id: id } }));
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'invalid_input', message: 'content.order.txn_id must be at most 128 characters' });
      expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', http_status: 400, reason: 'content.order.txn_id must be at most 128 characters' });
    }
    expect(await rows(sql`SELECT id FROM transactions WHERE transaction_id LIKE ${`payopsdemo-${order}-%`}`)).toEqual([]);
  });

  it('cuts a full card number to its last four wherever it appears, and redacts the saved-card reference', async () => {
    const res = await post(
      juspayEvent({
        id: evt(),
        txn: order,
        order: { udf1: 'card 4111 1111 1111 1111', card: { last_four_digits: '4111111111111111', name_on_card: 'A K 5555-5555-5555-4444', card_reference: JUSPAY_CARD_REFERENCE } },
      }),
    );
    expect(res.status).toBe(200);
    const row = await txn(txnId);
    expect(row).toMatchObject({ card_last4: '1111', cardholder_name: 'A K XXXX4444' });
    expect(row.flags).toContain('card_number_scrubbed');
    const all = await everything();
    for (const secret of ['4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444', JUSPAY_CARD_REFERENCE]) expect(all).not.toContain(secret);
    const [event] = await rows<Record<string, any>>(sql`SELECT payload FROM payment_events WHERE transaction_id = ${txnId}`);
    expect(event.payload.content.order.card.card_reference).toBe('[redacted]');
  });

  it('scrubs card numbers and the saved-card reference from refused bodies too', async () => {
    const body = juspayEvent({ id: evt(), txn: order, order: { udf2: '4111111111111111' } });
    expect((await post(body, { authorization: basicAuth(USER, 'wrong') })).status).toBe(401);
    expect((await post(`${body.slice(0, -1)},`)).status).toBe(400);
    const all = await everything();
    expect(all).not.toContain('4111111111111111');
    expect(all).not.toContain(JUSPAY_CARD_REFERENCE);
  });

  it('does not key a payment on an order id the card scrubber changed', async () => {
    // A merchant's numeric order id that is also a card number (Visa range, passes Luhn): the
    // scrubber cuts it from order_id and txn_id; txn_uuid, where it touches letters, keeps it.
    const luhnOrder = '4000056655665556';
    const res = await post(juspayEvent({ id: evt(), txn: luhnOrder }));
    expect(res.status).toBe(200);
    const row = await txn(`uuid${luhnOrder}`);
    expect(row).toMatchObject({ unique_transaction_id: `uuid${luhnOrder}` });
    expect(row.flags).toContain('card_number_scrubbed');
  });

  it.each([
    ['no credentials', null, 'missing', 'The Basic auth credentials are missing.'],
    ['a wrong password', basicAuth(USER, `${PASSWORD}x`), 'invalid', 'The Basic auth user name or password is wrong.'],
    ['a wrong user name', basicAuth('someone', PASSWORD), 'invalid', 'The Basic auth user name or password is wrong.'],
    ['a bearer token', `Bearer ${PASSWORD}`, 'missing', 'The Basic auth credentials are missing.'],
  ])('refuses %s with 401, and records it', async (_name, authorization, auth, reason) => {
    const res = await post(juspayEvent({ id: evt(), txn: order }), { authorization });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toEqual({ code: 'unauthorized', message: reason });
    expect(await lastDelivery()).toMatchObject({ provider: 'juspay', outcome: 'rejected', auth, http_status: 401, reason });
    expect(await txn(txnId)).toBeUndefined();
  });

  it('with a real database and no credentials configured, refuses every delivery with a clear reason', async () => {
    const res = await post(juspayEvent({ id: evt(), txn: order }), {}, { credentials: { username: undefined, password: undefined, required: true } });
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe(JUSPAY_NOT_CONFIGURED);
    expect(await lastDelivery()).toMatchObject({ outcome: 'rejected', reason: JUSPAY_NOT_CONFIGURED });
    const half = await post(juspayEvent({ id: evt(), txn: order }), {}, { credentials: { username: USER, password: undefined, required: false } });
    expect(half.status).toBe(401);
    expect(await txn(txnId)).toBeUndefined();
  });

  it('in embedded mode without credentials, accepts but marks the delivery unauthenticated', async () => {
    const res = await handleJuspayWebhook(juspayRequest(juspayEvent({ id: evt(), txn: order })), deps({ credentials: { username: undefined, password: undefined, required: false } }));
    expect(res.status).toBe(200);
    expect((await deliveriesOf(txnId))[0]).toMatchObject({ auth: 'unauthenticated', flags: ['unauthenticated'] });
    expect((await txn(txnId)).flags).toContain('unauthenticated');
  });

  it.each([
    ['invalid JSON', '{"id": "evt_1",', /not valid JSON/],
    ['a JSON array', '[1]', /must be a JSON object/],
    ['no event id', '{"content":{"order":{"order_id":"o1"}}}', /event id/],
    ['no order', '{"id":"evt_1","content":{}}', /content\.order/],
    ['an order without ids', '{"id":"evt_1","content":{"order":{"status":"CHARGED"}}}', /txn_id, txn_uuid or order_id/],
  ])('refuses %s with 400 and a reason, and records it', async (_name, body, reason) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe('invalid_input');
    expect(json.error.message).toMatch(reason);
    expect(await lastDelivery()).toMatchObject({ provider: 'juspay', outcome: 'rejected', http_status: 400, reason: json.error.message });
  });

  it('refuses a body over 64 KiB with 413 before reading it all, and records it', async () => {
    const big = juspayEvent({ id: evt(), txn: order, order: { udf3: 'x'.repeat(MAX_BODY_BYTES) } });
    const res = await post(big, { headers: { 'content-length': String(Buffer.byteLength(big)) } });
    expect(res.status).toBe(413);
    expect(await lastDelivery()).toMatchObject({ provider: 'juspay', outcome: 'rejected', http_status: 413 });
    expect(await txn(txnId)).toBeUndefined();
  });

  it('answers other methods with 405 and records them', async () => {
    const res = await rejectJuspayMethod(juspayRequest(null, { method: 'GET', authorization: AUTH }), deps());
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await lastDelivery()).toMatchObject({ provider: 'juspay', outcome: 'rejected', http_status: 405, auth: 'ok' });
  });

  it('reads Juspay amounts exactly and keeps unknown statuses and modes as flags', async () => {
    // Written as Juspay sends them: JSON numbers, which a float would not keep exactly.
    const body = juspayEvent({ id: evt(), txn: order, status: 'SOMETHING_NEW', order: { payment_method_type: 'CRYPTO' } }).replace(
      '"txn_amount":1499.5,"surcharge_amount":null,"tax_amount":null,"net_amount":1499.5',
      '"txn_amount":0.10,"surcharge_amount":0.20,"tax_amount":0.036,"net_amount":0.336',
    );
    expect(body).toContain('0.336');
    expect((await post(body)).status).toBe(200);
    const row = await txn(txnId);
    expect(row).toMatchObject({ amount: '0.1000', surcharge: '0.2000', surcharge_gst: '0.0360', final_amount: '0.3360', status: 'SOMETHING_NEW', payment_mode: 'CRYPTO' });
    expect(row.flags).toEqual(expect.arrayContaining(['unknown_status', 'unknown_payment_mode']));
    expect(row.flags).not.toContain('amount_mismatch');
  });

  it('calls the after-accept hook once for a new event, never for a duplicate, and answers 200 even when it throws', async () => {
    const seen: string[] = [];
    const afterAccepted: JuspayDeps['afterAccepted'] = ({ transactionId, result }) => {
      seen.push(`${transactionId}:${result.transactionRowId}`);
      throw new Error('hook failed');
    };
    const body = juspayEvent({ id: evt(), txn: order });
    expect((await post(body, {}, { afterAccepted })).status).toBe(200);
    expect((await post(body, {}, { afterAccepted })).status).toBe(200);
    expect(seen).toEqual([`${txnId}:${(await txn(txnId)).id}`]);
  });
});
