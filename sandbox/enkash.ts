import { DOCUMENTED_EXAMPLE } from '../test/enkash';
import { bearer, field, header, istNow, json, randomId, same, text, type Route, type SandboxRequest } from './http';
import { SANDBOX_TEST_OTP, type SandboxState } from './state';

/**
 * Enkash payment gateway, as DESIGN.md "Provider facts" and reference/enkash-pg-*.txt describe it.
 * Where Enkash publishes nothing the simulator picks (and PayOps must cope with):
 * - past a transaction's OTP budget Resend OTP answers 429 text/plain;
 * - a wrong OTP answers 200 with response_code 1, "Invalid OTP";
 * - an unknown transaction's status answers 404 with response_code 404.
 */

const FINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const unauthorized = () => json(401, { response_code: 401, response_message: 'Unauthorized', payload: null });

export function enkashAuthorized(req: SandboxRequest, state: SandboxState): boolean {
  return state.tokenValid('enkash', bearer(req)) && same(header(req, 'merchantAccessKey'), state.credentials.ENKASH_ACCESS_KEY);
}

export const enkashRoutes: Route[] = [
  {
    method: 'POST',
    path: '/enkash/api/v0/merchant/token',
    endpoint: 'enkash.token',
    handle(req, state) {
      const c = state.credentials;
      if (!same(field(req, 'accessKey'), c.ENKASH_ACCESS_KEY) || !same(field(req, 'secretKey'), c.ENKASH_SECRET_KEY)) {
        return json(401, { token: null, expiry: null, resultCode: 1, resultMessage: 'Invalid access key or secret key' });
      }
      const token = state.issueToken('enkash');
      return json(200, { token: token.value, expiry: token.expiresAt, resultCode: 0, resultMessage: 'SUCCESS' });
    },
  },
  {
    method: 'GET',
    path: '/enkash/pay/resend/otp/:id',
    endpoint: 'enkash.resend',
    sendKey: (req) => ['enkash', req.params.id],
    handle(req, state) {
      if (!enkashAuthorized(req, state)) return unauthorized();
      const txn = state.txn('enkash', req.params.id);
      if (FINAL.has(txn.status)) return text(400, 'Transaction is not awaiting an OTP');
      if (txn.timesOtpSent >= txn.maxOtpSendLimit) return text(429, 'OTP resend limit reached for this transaction');
      txn.timesOtpSent += 1;
      return text(200, 'OTP sent successfully');
    },
  },
  {
    method: 'POST',
    path: '/enkash/pay/otp/validate',
    endpoint: 'enkash.validate',
    handle(req, state) {
      if (!enkashAuthorized(req, state)) return unauthorized();
      const ekPayId = field(req, 'ekPayId');
      const otp = field(req, 'otp');
      if (!ekPayId || !otp) return json(400, { response_code: 400, response_message: 'ekPayId and otp are required', payload: null });
      const txn = state.txn('enkash', ekPayId);
      if (FINAL.has(txn.status)) return json(200, { response_code: 1, response_message: 'Transaction is not awaiting an OTP', payload: null });
      if (otp !== SANDBOX_TEST_OTP) return json(200, { response_code: 1, response_message: 'Invalid OTP', payload: null });
      // A stuck payment stays open whatever the customer does: the bank never answers.
      if (!txn.stuck) txn.status = 'SUCCESS';
      return json(200, {
        response_code: 0,
        response_message: 'SUCCESS',
        payload: {
          uniqueTransactionId: randomId('EK', 9),
          publicIdentifierKey: null,
          transactionId: ekPayId,
          amount: typeof txn.payload?.amount === 'string' ? txn.payload.amount : '500.00',
          currency: 'INR',
          otpReferenceNumber: randomId('OTPREF', 8),
          txnMessage: txn.status === 'SUCCESS' ? 'Transaction successful.' : 'Transaction in progress.',
          txnStatus: txn.status,
          txnDate: istNow(),
          orderId: null,
        },
      });
    },
  },
  {
    method: 'GET',
    path: '/enkash/api/v0/payment/:id',
    endpoint: 'enkash.status',
    handle(req, state) {
      if (!enkashAuthorized(req, state)) return unauthorized();
      const txn = state.findTxn('enkash', req.params.id);
      if (!txn) return json(404, { response_code: 404, response_message: 'Transaction not found', payload: null });
      const base = txn.payload ?? { ...JSON.parse(DOCUMENTED_EXAMPLE), paymentToken: null, txnDate: istNow() };
      return json(200, {
        response_code: 0,
        response_message: 'SUCCESS',
        payload: { ...base, transactionId: txn.id, status: txn.status },
      });
    },
  },
];
