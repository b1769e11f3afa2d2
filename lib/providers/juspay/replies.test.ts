import { describe, expect, it } from 'vitest';
import type { ProviderReply } from '../http';
import { juspayError, processResult, resendResult } from './replies';

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
