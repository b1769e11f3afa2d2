import { describe, expect, it } from 'vitest';
import type { ProviderReply } from '../http';
import { juspayError, juspayRefundState, orderStatusResult, processResult, refundResult, resendResult } from './replies';

const ctx = { provider: 'juspay' as const, operation: 'test', timeoutMs: 1000 };
const reply = (status: number, body: unknown): ProviderReply => ({ status, contentType: 'application/json', text: JSON.stringify(body) });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

// reference/juspay-resend-otp.md sample response, trimmed, with the documented budget fields.
const sample = (params: Record<string, unknown>) => ({
  gateway: 'CYBERSOURCE',
  payment: { authentication: { method: 'GET', url: 'https://x/v2/txns/:txn_uuid/authenticate', params: { id: 'txn_uuid', challenge_id: 'ch_xyz', ...params } } },
  status: 'PENDING_VBV',
  id: 'moz3C1sYSVgAxme31pL',
  resp_message: '',
  resp_code: '',
  order_id: 'DOTP312312',
  txn_id: 'testhdfc1-DOTP1234-1',
});

describe('Juspay reply mapping', () => {
  it('reads the resend reply and its budget (documented as strings, numbers accepted)', () => {
    expect(resendResult(ctx, reply(200, sample({ times_otp_sent: '2', max_otp_send_limit: '3' })))).toEqual({
      provider: 'juspay',
      providerRequestId: 'moz3C1sYSVgAxme31pL',
      budget: { sent: 2, limit: 3 },
      maskedMobile: null,
      message: 'OTP sent (2 of 3).',
      challengeId: 'ch_xyz',
    });
    expect(resendResult(ctx, reply(200, sample({ times_otp_sent: 1, max_otp_send_limit: 5 }))).budget).toEqual({ sent: 1, limit: 5 });
    expect(resendResult(ctx, reply(200, { ...sample({}), times_otp_sent: '1', max_otp_send_limit: '2' })).budget).toEqual({ sent: 1, limit: 2 });
    // The sample itself carries no budget fields: no budget, still a success.
    expect(resendResult(ctx, reply(200, sample({ times_otp_sent: 'many' }))).budget).toBeNull();
  });

  it('maps max_limit_exceeded to rate_limited and other refusals by status', () => {
    const limit = { status: 'Invalid Request', error_code: 'max_limit_exceeded', error_message: 'Max OTP send limit exceeded' };
    expect(codeOf(() => resendResult(ctx, reply(400, limit)))).toBe('rate_limited');
    expect(juspayError(ctx, reply(400, limit)).message).toMatch(/Max OTP send limit exceeded/);
    expect(codeOf(() => resendResult(ctx, reply(400, { error_code: 'invalid_challenge_id' })))).toBe('invalid_input');
    expect(codeOf(() => resendResult(ctx, reply(401, { error_code: 'access_denied' })))).toBe('unauthorized');
    expect(codeOf(() => resendResult(ctx, reply(404, 'nope')))).toBe('not_found');
    expect(codeOf(() => resendResult(ctx, reply(200, { hello: 'world' })))).toBe('provider_error');
  });

  it('reads Process OTP: the transaction status is the outcome', () => {
    expect(processResult(ctx, reply(200, { ...sample({}), status: 'CHARGED' }))).toEqual({
      provider: 'juspay',
      status: 'CHARGED',
      message: 'Transaction CHARGED.',
      providerRequestId: 'moz3C1sYSVgAxme31pL',
    });
    expect(processResult(ctx, reply(200, { ...sample({}), status: 'AUTHENTICATION_FAILED', resp_message: 'OTP 123456 invalid' })).message).toBe('OTP •••• invalid');
  });
});

// The order status reply as Juspay documents it (DESIGN.md "Juspay Order Status"), as raw text:
// amounts are JSON numbers whose digits must survive exactly.
const ORDER_STATUS_TEXT = `{
  "id": "ordeh_7f8f8fa6feba401689be0bbb9b9e7690",
  "order_id": "DOTP312312",
  "merchant_id": "payopsdemo",
  "status": "CHARGED",
  "status_id": 21,
  "amount": 99999999999999.99,
  "amount_refunded": 0.10,
  "refunded": false,
  "refunds": [{"unique_request_id": "rf_1", "id": "ref_9", "status": "PENDING", "amount": 0.10, "sent_to_gateway": false}, "junk"],
  "txn_id": "payopsdemo-DOTP312312-2",
  "txn_uuid": "moz3C1sYSVgAxme31pL",
  "bank_error_code": "",
  "card": {"last_four_digits": "1111", "card_reference": "f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c", "card_number": "4111111111111111"},
  "payment_gateway_response": {"rrn": "512345678901", "epg_txn_id": "7389169970016530904011", "auth_id_code": "A1B2C3", "resp_code": "00", "resp_message": "Approved"},
  "udf1": "cart-42", "udf2": "", "udf10": "last",
  "something_new": {"nested": true}
}`;
const textReply = (status: number, text: string): ProviderReply => ({ status, contentType: 'application/json', text });

describe('Juspay order status mapping', () => {
  it('reads the documented fields, money exact to the paisa (never through a float)', () => {
    const s = orderStatusResult(ctx, textReply(200, ORDER_STATUS_TEXT), 'DOTP312312');
    expect(s).toMatchObject({
      provider: 'juspay',
      transactionId: 'payopsdemo-DOTP312312-2',
      status: 'CHARGED',
      orderId: 'DOTP312312',
      statusId: 21,
      txnId: 'payopsdemo-DOTP312312-2',
      txnUuid: 'moz3C1sYSVgAxme31pL',
      amount: '99999999999999.9900',
      amountRefunded: '0.1000',
      refunded: false,
      refunds: [{ uniqueRequestId: 'rf_1', id: 'ref_9', status: 'PENDING', amount: '0.1000', sentToGateway: false }],
      bankErrorCode: null,
      gatewayResponse: { rrn: '512345678901', epgTxnId: '7389169970016530904011', authIdCode: 'A1B2C3', respCode: '00' },
    });
    expect(s.udf).toEqual({ udf1: 'cart-42', udf2: null, udf3: null, udf4: null, udf5: null, udf6: null, udf7: null, udf8: null, udf9: null, udf10: 'last' });
    // raw keeps what PayOps does not model, but never a card number or a saved-card reference.
    const raw = JSON.stringify(s.raw);
    expect(s.raw.something_new).toEqual({ nested: true });
    expect(raw).not.toContain('4111111111111111');
    expect(raw).not.toContain('f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c');
  });

  it('tolerates missing optional fields, and a status given only as status_id', () => {
    const s = orderStatusResult(ctx, textReply(200, '{"status_id": "23"}'), 'DOTP9');
    expect(s).toMatchObject({ status: 'PENDING_VBV', statusId: 23, orderId: 'DOTP9', transactionId: 'DOTP9', txnId: null, amount: null, refunds: [], gatewayResponse: null, refunded: null });
    // An amount PayOps cannot read exactly is left out, not guessed.
    expect(orderStatusResult(ctx, textReply(200, '{"status": "NEW", "amount": 1.5e3}'), 'o').amount).toBeNull();
    expect(orderStatusResult(ctx, textReply(200, '{"status": "SOMETHING_NEW", "status_id": 99}'), 'o').status).toBe('SOMETHING_NEW');
  });

  it('maps refusals: unknown order → not_found, bad key → unauthorized, garbage → provider_error', () => {
    expect(codeOf(() => orderStatusResult(ctx, reply(404, { status: 'error', error_code: 'not_found' }), 'o'))).toBe('not_found');
    expect(codeOf(() => orderStatusResult(ctx, reply(400, { status: 'error', error_code: 'RESOURCE_NOT_FOUND', error_message: 'Order not found' }), 'o'))).toBe('not_found');
    expect(codeOf(() => orderStatusResult(ctx, reply(400, { status: 'error', error_code: 'INVALID_INPUT' }), 'o'))).toBe('invalid_input');
    expect(codeOf(() => orderStatusResult(ctx, reply(401, { error_code: 'access_denied' }), 'o'))).toBe('unauthorized');
    expect(codeOf(() => orderStatusResult(ctx, textReply(200, '<html>hi</html>'), 'o'))).toBe('provider_error');
    expect(codeOf(() => orderStatusResult(ctx, textReply(200, '[1,2]'), 'o'))).toBe('provider_error');
    expect(codeOf(() => orderStatusResult(ctx, reply(200, { order_id: 'o', amount: 5 }), 'o'))).toBe('provider_error');
  });
});

describe('Juspay refund mapping', () => {
  const order = (refunds: unknown[]) =>
    `{"order_id":"O1","status":"CHARGED","status_id":21,"amount":1499.50,"amount_refunded":0,"refunds":${JSON.stringify(refunds)}}`;
  const ok = (text: string): ProviderReply => ({ status: 200, contentType: 'application/json', text });

  it('returns the refunds[] entry with our request id, money exact', () => {
    const text = order([
      { id: 'r_other', unique_request_id: 'other', status: 'SUCCESS', amount: '1.00' },
      { id: 'r_1', unique_request_id: 'rq1', status: 'MANUAL_REVIEW', amount: '200.00', epg_txn_id: 'E9', refund_arn: 'ARN77', error_message: 'Held for review' },
    ]).replace('"200.00"', '200.00');
    expect(refundResult(ctx, ok(text), 'O1', 'rq1')).toEqual({
      provider: 'juspay', requestId: 'rq1', providerRefundId: 'r_1', state: 'manual_review', providerStatus: 'MANUAL_REVIEW', amount: '200.0000', arn: 'ARN77', message: 'Held for review',
    });
    expect(orderStatusResult(ctx, ok(text), 'O1').refunds[1]).toMatchObject({ ref: 'E9', arn: 'ARN77', errorMessage: 'Held for review' });
  });

  it('maps the refund statuses; a reply without our entry is provider_error; duplicate.call is duplicate_request', () => {
    expect(['PENDING', 'SUCCESS', 'FAILURE', 'MANUAL_REVIEW', 'SOMETHING_NEW', null].map(juspayRefundState)).toEqual(['pending', 'succeeded', 'failed', 'manual_review', 'pending', 'pending']);
    expect(codeOf(() => refundResult(ctx, ok(order([])), 'O1', 'rq1'))).toBe('provider_error');
    expect(codeOf(() => refundResult(ctx, reply(400, { status: 'invalid_request_error', error_code: 'duplicate.call', error_message: 'dup' }), 'O1', 'rq1'))).toBe('duplicate_request');
    expect(codeOf(() => refundResult(ctx, reply(400, { status: 'invalid_request_error', error_code: 'invalid_request', error_message: 'too much' }), 'O1', 'rq1'))).toBe('invalid_input');
    expect(codeOf(() => refundResult(ctx, reply(404, { error_code: 'RESOURCE_NOT_FOUND' }), 'O1', 'rq1'))).toBe('not_found');
  });
});
