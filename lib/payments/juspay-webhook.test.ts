import { describe, expect, it } from 'vitest';
import { parseJsonExact } from '@/lib/json';
import { JUSPAY_WEBHOOK_EXAMPLE } from '@/sandbox/webhooks';
import { JUSPAY_EVENT, juspayEvent } from '@/test/juspay';
import { sha256 } from './claim';
import { normalizeJuspayWebhook } from './juspay-webhook';

const normalize = (text: string) => {
  const json = parseJsonExact(text);
  if (!json.ok) throw new Error(json.reason);
  return normalizeJuspayWebhook(json.value);
};
const claimOf = (text: string) => {
  const r = normalize(text);
  if (!r.ok) throw new Error(r.reason);
  return r.claim;
};

describe('Juspay webhook normaliser', () => {
  it('maps the attempt of a Direct OTP order waiting for its OTP', () => {
    const claim = claimOf(JUSPAY_EVENT);
    expect(claim).toMatchObject({
      provider: 'juspay',
      transactionId: 'payopsdemo-DOTP1738916997-1',
      uniqueTransactionId: 'moz3C1sYSVgAxme31pL',
      orderId: 'DOTP1738916997',
      status: 'PENDING_VBV',
      statusFamily: 'open',
      amount: '1499.5000',
      surcharge: null,
      finalAmount: '1499.5000',
      paymentMode: 'CREDIT_CARD',
      cardScheme: 'VISA',
      cardLast4: '2986',
      cardholderName: 'Asha Kulkarni',
      otpRefs: { txn_uuid: 'moz3C1sYSVgAxme31pL', challenge_id: 'ch_5c1f0e8a9d', customer_id: 'cth_iRT3ZLCcNdnigB63' },
      flags: [],
    });
    expect(claim.txnAt?.toISOString()).toBe('2025-02-07T08:30:06.000Z');
    expect(claim.payloadSha256).toBe(sha256('juspay-event:evt_V2_b737837102414514ae0e9717a9f2664d'));
  });

  it("takes the provider simulator's ORDER_SUCCEEDED event (no txn_detail, no OTP challenge)", () => {
    expect(claimOf(JUSPAY_WEBHOOK_EXAMPLE)).toMatchObject({
      transactionId: 'testhdfc1-DOTP1234-1',
      status: 'CHARGED',
      amount: '500.0000',
      finalAmount: '500.0000',
      cardLast4: '2986',
      otpRefs: { txn_uuid: 'moz3C1sYSVgAxme31pL', customer_id: 'customer_1122' },
      flags: [],
    });
  });

  it('identifies an event by its id alone', () => {
    const a = claimOf(juspayEvent({ id: 'evt_V2_same' }));
    const b = claimOf(juspayEvent({ id: 'evt_V2_same', status: 'CHARGED' }));
    const c = claimOf(juspayEvent({ id: 'evt_V2_other' }));
    expect(a.payloadSha256).toBe(b.payloadSha256);
    expect(a.payloadSha256).not.toBe(c.payloadSha256);
  });

  it('falls back to the order id before an attempt exists, and to the order for the status', () => {
    const claim = claimOf(
      JSON.stringify({ id: 'evt_1', event_name: 'ORDER_CREATED', date_created: '2025-02-07T08:30:05Z', content: { order: { order_id: 'o-77', status: 'NEW', amount: 10 } } }),
    );
    expect(claim).toMatchObject({ transactionId: 'o-77', status: 'NEW', amount: '10.0000', finalAmount: '10.0000', otpRefs: {}, paymentMode: null });
    // No attempt time and no order time: the envelope's.
    expect(claim.txnAt?.toISOString()).toBe('2025-02-07T08:30:05.000Z');
  });

  it('reads the card from payment_info.card too, and maps payment method types to PayOps modes', () => {
    const claim = claimOf(
      JSON.stringify({
        id: 'evt_2',
        content: { order: { txn_id: 't-1', status: 'CHARGED', payment_method_type: 'CARD', payment_info: { card: { last_four_digits: '0042', card_brand: 'RUPAY', card_type: 'DEBIT', name_on_card: 'R K' } } } },
      }),
    );
    expect(claim).toMatchObject({ cardLast4: '0042', cardScheme: 'RUPAY', cardholderName: 'R K', paymentMode: 'DEBIT_CARD', statusFamily: 'success' });
    expect(claimOf(juspayEvent({ order: { payment_method_type: 'NB' } })).paymentMode).toBe('NET_BANKING');
  });

  it('keeps Juspay amounts exact, never through a float', () => {
    const text = JUSPAY_EVENT.replace('"txn_amount": 1499.50', '"txn_amount": 0.1').replace('"surcharge_amount": null', '"surcharge_amount": 0.2').replace('"net_amount": 1499.50', '"net_amount": 0.3');
    const claim = claimOf(text);
    expect(claim).toMatchObject({ amount: '0.1000', surcharge: '0.2000', finalAmount: '0.3000' });
    expect(claim.flags).not.toContain('amount_mismatch');
    expect(claimOf(text.replace('"net_amount": 0.3', '"net_amount": 0.31')).flags).toContain('amount_mismatch');
    expect(claimOf(text.replace('"txn_amount": 0.1', '"txn_amount": 1e-1')).flags).toContain('invalid_money:amount');
  });

  it('flags what it does not know without refusing', () => {
    const claim = claimOf(juspayEvent({ status: 'BRAND_NEW', order: { status: 'ODD', payment_method_type: 'CRYPTO', customer_id: 42 } }));
    expect(claim.status).toBe('BRAND_NEW');
    expect(claim.flags).toEqual(expect.arrayContaining(['unknown_status', 'unknown_order_status', 'unknown_payment_mode']));
  });

  it('refuses an id longer than 128 characters instead of cutting it, so two long ids never merge', () => {
    const long = 'payopsdemo-'.padEnd(128, 'x');
    expect(claimOf(juspayEvent({ order: { txn_id: long }, txnDetail: { txn_id: long } })).transactionId).toBe(long);
    for (const [field, where] of [
      ['txn_id', 'order'],
      ['txn_uuid', 'order'],
      ['order_id', 'order'],
      ['id', 'order'],
      ['txn_id', 'txnDetail'],
      ['txn_uuid', 'txnDetail'],
    ] as const) {
      const r = normalize(juspayEvent({ [where]: { [field]: `${long}1` } }));
      expect(r.ok, `${where}.${field}`).toBe(false);
      expect(!r.ok && r.reason).toMatch(/at most 128 characters/);
    }
    // Surrounding spaces do not count, as for Enkash's transactionId.
    expect(normalize(juspayEvent({ order: { txn_id: ` ${long} ` }, txnDetail: { txn_id: long } })).ok).toBe(true);
  });

  it('leaves out an OTP reference longer than 128 characters, flagged, instead of cutting it', () => {
    const event = JSON.parse(JUSPAY_EVENT);
    event.content.order.payment.authentication.params.challenge_id = 'ch_'.padEnd(200, '9');
    event.content.order.customer_id = 'cth_'.padEnd(129, 'a');
    const claim = claimOf(JSON.stringify(event));
    expect(claim.otpRefs).toEqual({ txn_uuid: 'moz3C1sYSVgAxme31pL' });
    expect(claim.flags).toEqual(expect.arrayContaining(['invalid_field:payment.authentication.params.challenge_id', 'invalid_field:order.customer_id']));
  });

  it.each(['0000-01-01T00:00:00Z', '0001-01-01T05:29:59+05:30', '9999-12-31T23:59:59-23:59', '+010000-01-01T00:00:00Z'])(
    'flags a time the database could not store (%s) and leaves txnAt empty, so the receipt time is used',
    (created) => {
      const claim = claimOf(juspayEvent({ txnDetail: { created } }));
      expect(claim.txnAt).toBeNull();
      expect(claim.flags).toContain('invalid_txn_date');
    },
  );

  it.each([
    ['an array', '[]', /JSON object/],
    ['no event id', '{"content":{"order":{"order_id":"o"}}}', /event id/],
    ['an event id that is an object', '{"id":{"a":1},"content":{"order":{"order_id":"o"}}}', /event id/],
    ['no content', '{"id":"evt_1"}', /content\.order/],
    ['an order that is a list', '{"id":"evt_1","content":{"order":[]}}', /content\.order/],
    ['an order without any id', '{"id":"evt_1","content":{"order":{"status":"CHARGED"}}}', /txn_id, txn_uuid or order_id/],
  ])('refuses %s with a reason', (_name, text, reason) => {
    const r = normalize(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
  });
});
