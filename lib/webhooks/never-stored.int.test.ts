// Issue 7, items 3 and 4: no card number or secret is stored in any form, through the real
// handlers, whatever the spelling of the key, the type of the value, the separators of the card
// number or the part of the request (body, User-Agent, X-Forwarded-For) that carries it.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { dumpTables, testDatabaseKinds, type TestDb } from '@/db/testing';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { basicAuth, juspayEvent, juspayRequest } from '@/test/juspay';
import { handleEnkashNotify, rejectEnkashMethod } from './enkash-notify';
import { MAX_BODY_BYTES } from './handle';
import { handleJuspayWebhook } from './juspay';

const SECRET = 'test-secret-0123456789';
const USER = 'payops-juspay';
const PASSWORD = 'juspay-webhook-password-0123';

// Not the usual test numbers, so that a find means this test's card and nothing else.
const CARD = '4539148803436467';
const CARD2 = '5425233430109903';
const TOKEN = 'tok7Hq2ZpW9xKc4VbN1m';
const REFERENCE = 'ref0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5';

const groupsOf = (digits: string, sep: string) => digits.match(/.{1,4}/g)!.join(sep);

/** Every table of every schema PayOps writes, dumped as text. */
async function dumpEverything(db: TestDb['handle']['db']): Promise<string> {
  const tables = await queryRows<{ name: string }>(
    db,
    sql`SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['public.deliveries', 'public.audit_log']));
  return dumpTables(db, tables.map((t) => t.name));
}

/** The text read through JSON and percent escapes, so an escaped card number is seen too. */
const unescaped = (text: string) =>
  text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** Nothing of a card number beyond its last four, and nothing of a secret, in any reading of `text`. */
function expectNothingOf(text: string, cards: string[], secrets: string[]) {
  for (const reading of [text, unescaped(text), unescaped(unescaped(text))]) {
    const digits = reading.replace(/\D/g, '');
    for (const card of cards) {
      expect(digits, `card ${card}`).not.toContain(card.slice(0, 12));
    }
    for (const secret of secrets) {
      expect(reading.toLowerCase(), `secret ${secret}`).not.toContain(secret.slice(0, 8).toLowerCase());
    }
  }
}

describe.each(await testDatabaseKinds())('nothing sent is stored unscrubbed, on $kind', ({ create }) => {
  let t: TestDb;
  const logged: string[] = [];
  const enkash = (body: BodyInit | null, options: Parameters<typeof notifyRequest>[1] = {}) =>
    handleEnkashNotify(notifyRequest(body, { key: SECRET, ...options }), { db: async () => t.handle.db, secret: SECRET });
  const juspay = (body: BodyInit | null, options: Parameters<typeof juspayRequest>[1] = {}) =>
    handleJuspayWebhook(juspayRequest(body, { authorization: basicAuth(USER, PASSWORD), ...options }), {
      db: async () => t.handle.db,
      credentials: { username: USER, password: PASSWORD, required: true },
    });
  const rows = <T = Record<string, any>>(query: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, query);
  const lastDelivery = async () => (await rows(sql`SELECT * FROM deliveries ORDER BY id DESC LIMIT 1`))[0];
  // A card number in every header PayOps keeps.
  const headers = {
    'user-agent': `Mozilla/5.0 (card ${groupsOf(CARD, ' ')})`,
    'x-forwarded-for': `203.0.113.7, ${groupsOf(CARD2, '-')}`,
  };

  beforeAll(async () => {
    t = await create();
    for (const level of ['error', 'warn', 'log', 'info'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.stack}` : String(a))).join(' '));
      });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.cleanup();
  });
  let n = 0;
  let id: string;
  beforeEach(() => {
    id = `EKSCRUB${Date.now()}${++n}`;
  });

  it('Enkash: an accepted notification loses every card number and token spelling', async () => {
    const body = exampleWith({
      transactionId: id,
      cardHolderName: `A K ${groupsOf(CARD, '\u00a0')}`,
      txnMsg: `card\t${groupsOf(CARD, '\t')} ok`,
      maskedCardNumber: groupsOf(CARD, '/'),
      bankName: `${groupsOf(CARD, ' - ')}`,
      orderId: CARD,
      extra: { note: groupsOf(CARD, '.'), under: groupsOf(CARD, '_'), comma: groupsOf(CARD, ','), free: `ref${CARD}`, nested: { PAYMENTTOKEN: TOKEN } },
      Payment_Token: { value: TOKEN },
      n1: '@N1@',
      n2: '@N2@',
      n3: '@N3@',
      n4: '@N4@',
    })
      .replace('"@N1@"', `${CARD}e0`)
      .replace('"@N2@"', `${CARD.slice(0, 1)}.${CARD.slice(1)}e15`)
      .replace('"@N3@"', `${CARD}0e-1`)
      .replace('"@N4@"', `${CARD}.0`)
      .replace('"paymentToken":"9ceac38e65db443d5f48"', `"payment\\u0054oken":"${TOKEN}"`);
    const res = await enkash(body, { headers });
    expect(res.status).toBe(200);
    const [row] = await rows(sql`SELECT * FROM transactions WHERE transaction_id = ${id}`);
    expect(row).toMatchObject({ card_last4: '6467', cardholder_name: 'A K XXXX6467', order_id: 'XXXX6467' });
    expect(row.flags).toContain('card_number_scrubbed');
    expect(await lastDelivery()).toMatchObject({ user_agent: 'Mozilla/5.0 (card XXXX6467)', source_ip: 'XXXX9903', outcome: 'accepted' });
    expectNothingOf(await dumpEverything(t.handle.db), [CARD, CARD2], [TOKEN]);
  });

  it('Enkash: a transactionId that is a card number is refused, not filed under its last four', async () => {
    const res = await enkash(exampleWith({ transactionId: groupsOf(CARD, ' ') }));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('transactionId holds a card number or a secret; it is not an Enkash transaction id.');
    expect(await rows(sql`SELECT * FROM transactions WHERE transaction_id LIKE 'XXXX%'`)).toEqual([]);
    expectNothingOf(JSON.stringify(await lastDelivery()), [CARD], []);
  });

  it('Enkash: ids that cannot be card numbers survive intact', async () => {
    // 1738916997657 passes Luhn; no scheme starts with 1, so neither the id nor the order is touched.
    const txId = `EK1738916997657yh${n}GL`;
    const res = await enkash(exampleWith({ transactionId: txId, orderId: '1738916997657', uniqueTransactionId: 'EK66674UU7T', bankTransactionId: '503412345678' }));
    expect(res.status).toBe(200);
    const [row] = await rows(sql`SELECT * FROM transactions WHERE transaction_id = ${txId}`);
    expect(row).toMatchObject({ order_id: '1738916997657', unique_transaction_id: 'EK66674UU7T', bank_transaction_id: '503412345678' });
    expect(row.flags).not.toContain('card_number_scrubbed');
  });

  it.each([
    ['a wrong secret, JSON-escaped key', { key: 'wrong' }, 401, () => exampleWith({ transactionId: id, pan: `${CARD}` }).replace('"paymentToken":"9ceac38e65db443d5f48"', `"payment\\u0054oken":"${TOKEN}"`)],
    ['a wrong secret, numeric token and exponent card', { key: 'wrong' }, 401, () => exampleWith({ transactionId: id, paymentToken: '@T@', pan: '@P@' }).replace('"@T@"', '987654321012345').replace('"@P@"', `${CARD.slice(0, 1)}.${CARD.slice(1)}e15`)],
    ['broken JSON, escaped key and NBSP card', {}, 400, () => `{"transactionId":"${id}","payment\\u0054oken":"${TOKEN}","pan":"${groupsOf(CARD, '\u00a0')}",}`],
    ['broken JSON, token cut off', {}, 400, () => `{"transactionId":"${id}","pan":"${groupsOf(CARD, '  ')}","paymentToken":"${TOKEN}`],
    ['a form-encoded body', {}, 400, () => `transactionId=${id}&paymentToken=${TOKEN}&pan=${groupsOf(CARD, '+')}&PAYMENT_TOKEN=${TOKEN}`],
    ['a form-encoded body with an escaped key', {}, 400, () => `transactionId=${id}&payment%54oken=${TOKEN}&pan=${CARD}`],
    ['a JSON body quoted in a string', {}, 400, () => `{"transactionId":"${id}","note":"{\\"paymentToken\\":\\"${TOKEN}\\",\\"pan\\":\\"${CARD}\\"}"`],
    ['an escaped card number in garbage', {}, 400, () => `garbage "pan":"${[...CARD].map((d) => `\\u003${d}`).join('')}" paymentToken: ${TOKEN}`],
  ] as const)('Enkash: a refused body (%s) keeps neither', async (_name, options, status, body) => {
    const res = await enkash(body(), { ...options, headers });
    expect(res.status).toBe(status);
    const kept = await lastDelivery();
    expect(kept).toMatchObject({ outcome: 'rejected', http_status: status, user_agent: 'Mozilla/5.0 (card XXXX6467)', source_ip: 'XXXX9903' });
    expect(kept.body).toContain('[redacted]');
    expectNothingOf(JSON.stringify(kept), [CARD, CARD2], [TOKEN]);
  });

  it('Enkash: a body over the size cap keeps neither in its head', async () => {
    const head = `{"transactionId":"${id}","paymentToken":"${TOKEN}","pan":"${groupsOf(CARD, '\n')}","pad":"`;
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        for (let i = 0; i < MAX_BODY_BYTES / 1024 + 1; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024)));
        controller.close();
      },
    });
    const res = await enkash(stream, { headers });
    expect(res.status).toBe(413);
    const kept = await lastDelivery();
    // Unparsed, so the id's long digit run is masked too: nothing is known about the text.
    expect(kept.body).toMatch(/^\{"transactionId":"EKSCRUBXXXX\d{4}","paymentToken":"\[redacted\]","pan":"XXXX6467","pad":"xxx/);
    expect(kept).toMatchObject({ http_status: 413, body_truncated: true });
  });

  it('Enkash: another method keeps no card number from the headers', async () => {
    const res = await rejectEnkashMethod(notifyRequest(null, { method: 'GET', key: SECRET, headers }), { db: async () => t.handle.db, secret: SECRET });
    expect(res.status).toBe(405);
    expect(await lastDelivery()).toMatchObject({ user_agent: 'Mozilla/5.0 (card XXXX6467)', source_ip: 'XXXX9903' });
  });

  it("Juspay: an accepted event loses card_reference in every spelling, the CVV and card numbers as numbers", async () => {
    const order = `DOTPSCRUB${Date.now()}${n}`;
    const event = JSON.parse(juspayEvent({ id: `evt_V2_${order}`, txn: order, order: { udf1: '@U1@', udf2: '@U2@', udf3: groupsOf(CARD, '\r\n') } }));
    const card = event.content.order.card;
    delete card.card_reference;
    Object.assign(card, { CARD_REFERENCE: REFERENCE, card_security_code: 123, Card_Token: { t: REFERENCE } });
    event.content.order.txn_detail.card_reference = [REFERENCE];
    const body = JSON.stringify(event)
      .replace('"@U1@"', `${CARD}E+0`)
      .replace('"@U2@"', `${CARD}00e-2`)
      .replace('"CARD_REFERENCE"', '"CARD\\u005fREFERENCE"');
    const res = await juspay(body, { headers });
    expect(res.status).toBe(200);
    const [row] = await rows(sql`SELECT * FROM transactions WHERE transaction_id = ${`payopsdemo-${order}-1`}`);
    expect(row.flags).toContain('card_number_scrubbed');
    const [evt] = await rows(sql`SELECT payload FROM payment_events WHERE transaction_id = ${`payopsdemo-${order}-1`}`);
    expect(evt.payload.content.order.card).toMatchObject({ CARD_REFERENCE: '[redacted]', card_security_code: '[redacted]', Card_Token: '[redacted]' });
    expectNothingOf(await dumpEverything(t.handle.db), [CARD, CARD2], [REFERENCE]);
  });

  it('Juspay: a numeric epoch-ms order id keys the payment: it can never be a card number', async () => {
    const order = String(1738916997657 + 10 * n); // ends in 7 + 10n: some pass Luhn, none is in a scheme's range
    const res = await juspay(juspayEvent({ id: `evt_V2_num_${order}`, txn: order }));
    expect(res.status).toBe(200);
    const [row] = await rows(sql`SELECT * FROM transactions WHERE transaction_id = ${`payopsdemo-${order}-1`}`);
    expect(row).toMatchObject({ order_id: order });
    expect(row.flags).not.toContain('card_number_scrubbed');
  });

  it.each([
    ['wrong credentials', { authorization: basicAuth(USER, 'wrong') }, 401, (b: string) => b],
    ['broken JSON, escaped key', {}, 400, (b: string) => `${b.replace('"card_reference"', '"card\\u005freference"').slice(0, -1)},`],
    ['truncated JSON', {}, 400, (b: string) => b.slice(0, b.indexOf(REFERENCE) + 10)],
    ['a form-encoded body', {}, 400, () => `order_id=x&card_reference=${REFERENCE}&card_number=${groupsOf(CARD, '%20')}`],
  ] as const)('Juspay: a refused body (%s) keeps neither', async (_name, options, status, mutate) => {
    const event = JSON.parse(juspayEvent({ id: `evt_V2_refused_${n}`, txn: `DOTPREF${n}`, order: { udf2: groupsOf(CARD, '\u2003') } }));
    event.content.order.card.card_reference = REFERENCE;
    const res = await juspay(mutate(JSON.stringify(event)), { ...options, headers });
    expect(res.status).toBe(status);
    const kept = await lastDelivery();
    expect(kept).toMatchObject({ outcome: 'rejected', http_status: status, user_agent: 'Mozilla/5.0 (card XXXX6467)', source_ip: 'XXXX9903' });
    expect(kept.body).toContain('[redacted]');
    expectNothingOf(JSON.stringify(kept), [CARD, CARD2], [REFERENCE]);
  });

  it('leaves nothing in any table, nor in the log', async () => {
    expectNothingOf(await dumpEverything(t.handle.db), [CARD, CARD2], [TOKEN, REFERENCE]);
    expectNothingOf(logged.join('\n'), [CARD, CARD2], [TOKEN, REFERENCE]);
  });
});
