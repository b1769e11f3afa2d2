import { createHash } from 'node:crypto';
import { JUSPAY_STATUS_IDS } from '@/lib/payments/status';
import { basic, field, header, json, RawNumber, same, type Route, type SandboxReply, type SandboxRequest } from './http';
import { compareMoney } from '@/lib/money';
import { amountLeft, isPositive, refundAmount, rupees, type RefundOutcome, type SandboxRefund } from './refunds';
import { SANDBOX_TEST_OTP, paymentAmount, type SandboxState, type SandboxTxn } from './state';

/**
 * Juspay Direct OTP (reference/juspay-resend-otp.md): Basic auth with the API key and an empty
 * password, `x-routing-id` the same on every call for a transaction, the OTP send budget in the
 * reply and 400 `max_limit_exceeded` past it. Process OTP: the right OTP charges the
 * transaction; a wrong one answers 400 `invalid_otp` until `max_attempts`, then the transaction
 * is AUTHENTICATION_FAILED.
 *
 * Order Status (`GET /orders/{order_id}`, ../shared/DESIGN.md "Juspay Order Status"): the same
 * Basic auth plus `x-merchantid` and `version` headers; answers the order's latest attempt as the
 * simulator knows it, amounts as JSON numbers in rupees, and 404 RESOURCE_NOT_FOUND for an order
 * it does not know.
 *
 * Refund (`POST /orders/{order_id}/refunds`, "Juspay Refund"): the same headers, form (or JSON)
 * `unique_request_id` (≤ 20 characters) and `amount` (omitted: all that is left); only a CHARGED
 * order; 400 `duplicate.call` for a request id seen before or the same amount again within 5 s.
 * It answers the order, whose refunds[] holds the new one PENDING; the order stays CHARGED.
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
      // A stuck payment stays open whatever the customer does: the bank never answers.
      if (otp === SANDBOX_TEST_OTP) txn.status = txn.stuck ? txn.status : 'CHARGED';
      else if (txn.currentAttempt >= txn.maxAttempts) txn.status = txn.stuck ? txn.status : 'AUTHENTICATION_FAILED';
      else return invalid('invalid_otp', `Invalid OTP, ${txn.maxAttempts - txn.currentAttempt} attempt(s) left`);
      return json(200, txnReply(txn));
    },
  },
  {
    method: 'GET',
    path: '/juspay/orders/:orderId',
    endpoint: 'juspay.status',
    handle(req, state) {
      const refused = orderAuth(req, state);
      if (refused) return refused;
      const txn = state.findOrder(req.params.orderId);
      if (!txn) return json(404, { status: 'error', error_code: 'RESOURCE_NOT_FOUND', error_message: 'Order not found' });
      return json(200, orderReply(state, txn, req.params.orderId));
    },
  },
  {
    method: 'POST',
    path: '/juspay/orders/:orderId/refunds',
    endpoint: 'juspay.refund',
    handle(req, state) {
      const refused = orderAuth(req, state);
      if (refused) return refused;
      const txn = state.findOrder(req.params.orderId);
      if (!txn) return json(404, { status: 'error', error_code: 'RESOURCE_NOT_FOUND', error_message: 'Order not found' });
      const order = orderKey(txn);
      state.refunds.countCall('juspay', order);
      const mode = req.fault?.mode;
      const requestId = field(req, 'unique_request_id');
      if (!requestId) return badRefund('invalid_request', 'unique_request_id is required');
      if (requestId.length > 20) return badRefund('invalid_request', 'unique_request_id must be at most 20 characters');
      if (state.refunds.byRequestId('juspay', requestId)) return badRefund('duplicate.call', 'A refund with this unique_request_id was already requested');
      if (txn.status !== 'CHARGED') return badRefund('invalid_request', `Order is not refundable (status ${txn.status})`);
      const total = paymentAmount(txn);
      if (!total) return badRefund('invalid_request', 'The order amount is not known');
      const left = amountLeft(total, state.refunds.committed('juspay', order));
      const given = req.body?.amount;
      const amount = given === undefined || given === '' ? left : refundAmount(given);
      if (!amount || !isPositive(amount)) return badRefund('invalid_request', given === undefined ? 'Nothing is left to refund' : 'amount must be a positive decimal amount');
      if (compareMoney(amount, left) > 0) return badRefund('invalid_request', `Refund amount is more than the amount left to refund (${rupees(left)})`);
      // Juspay takes the same amount again within 5 s for a double click, whatever the request id.
      const recent = state.refunds.list('juspay', order).some((r) => compareMoney(r.amount, amount) === 0 && Date.now() - Date.parse(r.createdAt) < 5000);
      if (recent) return badRefund('duplicate.call', 'A refund of the same amount was requested less than 5 seconds ago');
      const outcome: RefundOutcome | null = mode === 'refund_fail' ? 'failure' : mode === 'refund_manual_review' ? 'manual_review' : mode === 'refund_stuck' ? null : 'success';
      state.refunds.create({ provider: 'juspay', paymentId: order, requestId, amount, outcome });
      return { ...json(200, orderReply(state, txn, req.params.orderId)), hang: mode === 'refund_timeout' };
    },
  },
];

const badRefund = (error_code: string, error_message: string) => json(400, { status: 'invalid_request_error', error_code, error_message });

/** Order Status and Refund: the API key, the merchant id and a version date; null when the request may go on. */
function orderAuth(req: SandboxRequest, state: SandboxState): SandboxReply | null {
  const auth = basic(req);
  if (!auth || !same(auth.user, state.credentials.JUSPAY_API_KEY) || auth.password !== '') {
    return json(401, { status: 'error', error_code: 'access_denied', error_message: 'Invalid API key' });
  }
  if (!same(header(req, 'x-merchantid'), state.credentials.JUSPAY_MERCHANT_ID)) {
    return json(401, { status: 'error', error_code: 'UNAUTHORIZED', error_message: 'x-merchantid does not match the API key' });
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(header(req, 'version') ?? '')) {
    return json(400, { status: 'error', error_code: 'INVALID_INPUT', error_message: 'version header (YYYY-MM-DD) is required' });
  }
  return null;
}

/** The key an order's refunds are kept under: its order id (or the payment registered under the order id). */
export const orderKey = (txn: SandboxTxn) => txn.orderId ?? txn.id;

/** One refunds[] entry as Juspay's order status shows it. */
function refundEntry(r: SandboxRefund) {
  return {
    id: r.id,
    unique_request_id: r.requestId,
    ref: r.ref,
    amount: new RawNumber(rupees(r.amount)),
    status: r.status,
    sent_to_gateway: r.sentToGateway,
    refund_arn: r.arn,
    error_message: r.errorMessage,
    created: r.createdAt.replace(/\.\d{3}Z$/, 'Z'),
    initiated_by: 'API',
    refund_type: 'STANDARD',
  };
}

/**
 * The order status reply for the order's latest attempt, in the documented shape (also the refund
 * reply and a webhook's content.order). A refunded order stays CHARGED: amount_refunded tells.
 */
export function orderReply(state: SandboxState, txn: SandboxTxn, orderId: string) {
  const merchantId = state.credentials.JUSPAY_MERCHANT_ID;
  const refunds = state.refunds.list('juspay', orderKey(txn));
  const refunded = state.refunds.refunded('juspay', orderKey(txn));
  const amount = new RawNumber(txn.amount ?? '0.00');
  const charged = txn.status === 'CHARGED';
  const failed = /FAILED|DECLINED/.test(txn.status);
  // Stable per order: the same question gets the same ids.
  const digits = BigInt(`0x${createHash('sha256').update(orderId).digest('hex').slice(0, 15)}`).toString().padStart(18, '0');
  const attempt = txn.orderId ? txn.id : null;
  return {
    id: `ordeh_${createHash('sha256').update(`order:${orderId}`).digest('hex').slice(0, 32)}`,
    order_id: txn.orderId ?? orderId,
    merchant_id: merchantId,
    customer_id: txn.routingId,
    status: txn.status,
    status_id: JUSPAY_STATUS_IDS[txn.status] ?? null,
    amount,
    effective_amount: amount,
    amount_refunded: new RawNumber(rupees(refunded)),
    refunded: compareMoney(refunded, '0') > 0,
    refunds: refunds.map(refundEntry),
    currency: 'INR',
    txn_id: attempt,
    txn_uuid: txn.txnUuid,
    payment_method_type: 'CARD',
    payment_method: 'VISA',
    auth_type: 'OTP',
    bank_error_code: failed ? 'AUTH_FAILED' : '',
    bank_error_message: failed ? 'Authentication failed' : '',
    card: { last_four_digits: '2986', card_isin: '44***6', card_brand: 'VISA', card_type: 'CREDIT', card_issuer: 'Axis Bank' },
    payment_gateway_response: {
      txn_id: attempt,
      rrn: charged ? digits.slice(0, 12) : '',
      epg_txn_id: digits,
      auth_id_code: charged ? digits.slice(-6) : '',
      resp_code: charged ? '00' : failed ? '05' : '',
      resp_message: charged ? 'Transaction successful' : failed ? 'Authentication failed' : 'Pending',
    },
    udf1: '', udf2: '', udf3: '', udf4: '', udf5: '', udf6: '', udf7: '', udf8: '', udf9: '', udf10: '',
  };
}

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
