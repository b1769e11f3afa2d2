import { describe, expect, it } from 'vitest';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import type { ProviderReply } from '../http';
import { enkashRefundState, refundResult, resendResult, statusResult, tokenFromReply, validateResult } from './replies';

const ctx = { provider: 'enkash' as const, operation: 'test', timeoutMs: 1000 };
const reply = (status: number, body: unknown, contentType = 'application/json'): ProviderReply => ({
  status,
  contentType,
  text: typeof body === 'string' ? body : JSON.stringify(body),
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

describe('Enkash PG reply mapping', () => {
  it('reads the merchant token with its epoch-ms expiry (number or digits)', () => {
    expect(tokenFromReply(ctx, reply(200, { token: 'abc', expiry: 1700000000000, resultCode: 0, resultMessage: 'SUCCESS' }), 5)).toEqual({
      value: 'abc',
      expiresAt: 1700000000000,
      obtainedAt: 5,
    });
    expect(tokenFromReply(ctx, reply(200, { token: 'abc', expiry: '1700000000000' }), 5).expiresAt).toBe(1700000000000);
    expect(codeOf(() => tokenFromReply(ctx, reply(200, { token: '', expiry: 1 }), 5))).toBe('provider_error');
  });

  it('reads Resend OTP: plain text is the message; HTML or a JSON refusal is not a success', () => {
    expect(resendResult(ctx, reply(200, 'OTP sent successfully', 'text/plain')).message).toBe('OTP sent successfully');
    expect(resendResult(ctx, reply(200, '', 'text/plain')).message).toBe('OTP sent.');
    expect(resendResult(ctx, reply(200, { response_code: 0, response_message: 'OTP resent' })).message).toBe('OTP resent');
    expect(codeOf(() => resendResult(ctx, reply(200, '<html>login</html>', 'text/html')))).toBe('provider_error');
    expect(codeOf(() => resendResult(ctx, reply(200, { response_code: 1, response_message: 'Invalid transaction' })))).toBe('invalid_input');
    expect(codeOf(() => resendResult(ctx, reply(200, { response_code: 1, response_message: 'Resend limit exceeded' })))).toBe('rate_limited');
    expect(codeOf(() => resendResult(ctx, reply(429, 'slow down', 'text/plain')))).toBe('rate_limited');
    expect(codeOf(() => resendResult(ctx, reply(400, 'OTP resend limit reached', 'text/plain')))).toBe('rate_limited');
    expect(codeOf(() => resendResult(ctx, reply(404, 'no such transaction', 'text/plain')))).toBe('not_found');
  });

  it('reads Validate OTP: txnStatus and the OTP reference; a non-zero code is a refusal', () => {
    const ok = reply(200, {
      response_code: 0,
      response_message: 'SUCCESS',
      payload: {
        uniqueTransactionId: 'EK66674UU7T',
        publicIdentifierKey: null,
        transactionId: 'EK1738916997652yh8GL',
        amount: 500,
        currency: 'INR',
        otpReferenceNumber: 'REF1',
        txnMessage: 'Transaction successful.',
        txnStatus: 'SUCCESS',
        txnDate: '2025-02-07 14:00:05',
        orderId: null,
      },
    });
    expect(validateResult(ctx, ok)).toEqual({ provider: 'enkash', status: 'SUCCESS', message: 'Transaction successful.', providerRequestId: 'REF1' });
    expect(codeOf(() => validateResult(ctx, reply(200, { response_code: 1, response_message: 'Invalid OTP', payload: null })))).toBe('invalid_input');
    expect(codeOf(() => validateResult(ctx, reply(200, { response_code: '0', payload: 'nope' })))).toBe('provider_error');
    expect(codeOf(() => validateResult(ctx, reply(200, 'OK', 'text/plain')))).toBe('provider_error');
  });

  it('reads Get Transaction Status shaped like the notify payload, dropping the payment token and card numbers', () => {
    const payload = { ...JSON.parse(DOCUMENTED_EXAMPLE), bankName: '4111111111111111' };
    const status = statusResult(ctx, reply(200, { response_code: 0, response_message: 'SUCCESS', payload }), 'EK1738916997652yh8GL');
    expect(status).toMatchObject({ provider: 'enkash', transactionId: 'EK1738916997652yh8GL', status: 'SUCCESS' });
    expect(status.raw).not.toHaveProperty('paymentToken');
    expect(status.raw.bankName).toBe('XXXX1111');
    expect(status.raw.amount).toBe('500.00');
    // An unknown status is kept as it came.
    expect(statusResult(ctx, reply(200, { response_code: 0, payload: { status: 'ON_HOLD' } }), 'X').status).toBe('ON_HOLD');
    expect(codeOf(() => statusResult(ctx, reply(200, { response_code: 2, response_message: 'Transaction not found' }), 'X'))).toBe('not_found');
  });
});

describe('Enkash refund mapping', () => {
  const ids = { requestId: 'rq1' };
  const text = (status: number, t: string): ProviderReply => ({ status, contentType: 'application/json', text: t });

  it('reads the documented reply, the amount exact even as a JSON number', () => {
    const r = refundResult(
      ctx,
      text(200, '{"response_code":0,"response_message":"SUCCESS","payload":{"amount":99999999999999.99,"paymentMode":"UPI","currency":"INR","status":"CREATED","transactionId":"RFND1","txnMsg":"Refund initiated.","txnDate":"2026-01-09 11:25:02","uniqueTransactionId":"EK1","bankTransactionId":null}}'),
      ids,
    );
    expect(r).toEqual({ provider: 'enkash', requestId: 'rq1', providerRefundId: 'RFND1', state: 'pending', providerStatus: 'CREATED', amount: '99999999999999.9900', arn: null, message: 'Refund initiated.' });
  });

  it('maps the status words, keeping an unknown one pending', () => {
    expect(['CREATED', 'PENDING', 'INITIATED', 'SUCCESS', 'FAILED', 'CANCELLED', 'ON_HOLD', null].map((s) => enkashRefundState(s))).toEqual([
      'pending', 'pending', 'pending', 'succeeded', 'failed', 'failed', 'pending', 'pending',
    ]);
    const r = refundResult(ctx, reply(200, { response_code: 0, payload: { transactionId: 'RFND2', status: 'ON_HOLD', amount: '5.00', bankTransactionId: '123456789012' } }), ids);
    expect(r).toMatchObject({ state: 'pending', providerStatus: 'ON_HOLD', arn: '123456789012', amount: '5.0000' });
  });

  it('makes a refusal invalid_input (even worded like a limit), 404 not_found, and a reply without the refund id provider_error', () => {
    expect(codeOf(() => refundResult(ctx, reply(400, { response_code: 1, response_message: 'Refund amount exceeds the limit' }), ids))).toBe('invalid_input');
    expect(codeOf(() => refundResult(ctx, reply(200, { response_code: 1, response_message: 'Not enough balance' }), ids))).toBe('invalid_input');
    expect(codeOf(() => refundResult(ctx, reply(404, { response_code: 404, response_message: 'Transaction not found' }), ids))).toBe('not_found');
    expect(codeOf(() => refundResult(ctx, reply(200, { response_code: 0, payload: { status: 'CREATED' } }), ids))).toBe('provider_error');
    // Get Transaction Status of the refund's id may leave the id out: the one asked about is kept.
    expect(refundResult(ctx, reply(200, { response_code: 0, payload: { status: 'SUCCESS' } }), { requestId: 'rq1', refundTransactionId: 'RFND9' }).providerRefundId).toBe('RFND9');
  });
});
