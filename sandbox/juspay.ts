import { basic, field, header, json, same, type Route, type SandboxReply, type SandboxRequest } from './http';
import { SANDBOX_TEST_OTP, type SandboxState, type SandboxTxn } from './state';

/**
 * Juspay Direct OTP (reference/juspay-resend-otp.md): Basic auth with the API key and an empty
 * password, `x-routing-id` the same on every call for a transaction, the OTP send budget in the
 * reply and 400 `max_limit_exceeded` past it. Process OTP: the right OTP charges the
 * transaction; a wrong one answers 400 `invalid_otp` until `max_attempts`, then the transaction
 * is AUTHENTICATION_FAILED.
 */

const invalid = (error_code: string, error_message: string) => json(400, { status: 'Invalid Request', error_code, error_message });

/** Auth, routing id and challenge id checks shared by both calls; null when the request may go on. */
function refuse(req: SandboxRequest, state: SandboxState, txn: SandboxTxn, challengeId: string | null): SandboxReply | null {
  const auth = basic(req);
  if (!auth || !same(auth.user, state.credentials.JUSPAY_API_KEY) || auth.password !== '') {
    return json(401, { status: 'error', error_code: 'access_denied', error_message: 'Invalid API key' });
  }
  const routingId = header(req, 'x-routing-id');
  if (!routingId) return invalid('missing_routing_id', 'x-routing-id header is required');
  txn.routingId ??= routingId;
  if (txn.routingId !== routingId) return invalid('routing_id_mismatch', 'x-routing-id differs from earlier calls for this transaction');
  if (!challengeId) return invalid('missing_challenge_id', 'challenge_id is required');
  txn.challengeId ??= challengeId;
  if (txn.challengeId !== challengeId) return invalid('invalid_challenge_id', 'Unknown challenge_id for this transaction');
  return null;
}

export const juspayRoutes: Route[] = [
  {
    method: 'POST',
    path: '/juspay/v2/txns/:id/authenticate/:challenge/resend',
    endpoint: 'juspay.resend',
    sendKey: (req) => ['juspay', req.params.id],
    handle(req, state) {
      const txn = state.txn('juspay', req.params.id);
      const refused = refuse(req, state, txn, req.params.challenge);
      if (refused) return refused;
      if (txn.status !== 'PENDING_VBV') return invalid('invalid_action', 'Transaction is not awaiting an OTP');
      if (txn.timesOtpSent >= txn.maxOtpSendLimit) return invalid('max_limit_exceeded', 'Max OTP send limit exceeded');
      txn.timesOtpSent += 1;
      return json(200, txnReply(txn));
    },
  },
  {
    method: 'POST',
    path: '/juspay/v2/txns/:id/authenticate',
    endpoint: 'juspay.authenticate',
    handle(req, state) {
      const txn = state.txn('juspay', req.params.id);
      const refused = refuse(req, state, txn, field(req, 'challenge_id'));
      if (refused) return refused;
      if (txn.status !== 'PENDING_VBV') return invalid('invalid_action', 'Transaction is not awaiting an OTP');
      const otp = field(req, 'answer.otp');
      if (!otp) return invalid('missing_otp', 'answer.otp is required');
      txn.currentAttempt += 1;
      if (otp === SANDBOX_TEST_OTP) txn.status = 'CHARGED';
      else if (txn.currentAttempt >= txn.maxAttempts) txn.status = 'AUTHENTICATION_FAILED';
      else return invalid('invalid_otp', `Invalid OTP, ${txn.maxAttempts - txn.currentAttempt} attempt(s) left`);
      return json(200, txnReply(txn));
    },
  },
];

/** The reference page's sample reply, for this transaction, with the budget fields as strings (as documented). */
function txnReply(txn: SandboxTxn) {
  return {
    gateway: 'CYBERSOURCE',
    payment: {
      authentication: {
        method: 'POST',
        url: `https://sandbox.juspay.in/v2/txns/${txn.id}/authenticate`,
        params: {
          id: txn.id,
          challenge_id: txn.challengeId,
          auth_type: 'OTP',
          resend_otp_allowed: txn.status === 'PENDING_VBV' && txn.timesOtpSent < txn.maxOtpSendLimit,
          submit_otp_allowed: txn.status === 'PENDING_VBV',
          card_issuer_bank_name: 'Axis Bank',
          card_isin: '44**06',
          card_brand: 'VISA',
          times_otp_sent: String(txn.timesOtpSent),
          max_otp_send_limit: String(txn.maxOtpSendLimit),
          current_attempt: String(txn.currentAttempt),
          max_attempts: String(txn.maxAttempts),
        },
      },
    },
    status: txn.status,
    id: txn.id,
    payment_info: {
      card: { last_four_digits: '2986', card_type: 'CREDIT', card_issuer: 'Axis Bank', card_brand: 'VISA', card_isin: '44***6' },
      payment_method: 'VISA',
      payment_method_type: 'CARD',
    },
    resp_message: '',
    created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resp_code: '',
    order_id: `order_${txn.id}`,
    txn_id: `sandbox-${txn.id}`,
  };
}
