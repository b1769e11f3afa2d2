import { compareMoney } from '@/lib/money';
import { DOCUMENTED_EXAMPLE } from '../test/enkash';
import { bearer, field, header, istNow, json, randomId, same, text, type Route, type SandboxRequest } from './http';
import { amountLeft, isPositive, refundAmount, rupees, type RefundOutcome, type SandboxRefund } from './refunds';
import { paymentAmount, SANDBOX_TEST_OTP, type SandboxState, type SandboxTxn } from './state';

/**
 * Enkash payment gateway, as DESIGN.md "Provider facts" and reference/enkash-pg-*.txt describe it.
 * Where Enkash publishes nothing the simulator picks (and PayOps must cope with):
 * - past a transaction's OTP budget Resend OTP answers 429 text/plain;
 * - a wrong OTP answers 200 with response_code 1, "Invalid OTP";
 * - an unknown transaction's status answers 404 with response_code 404;
 * - a refused refund (not refundable, more than is left, no balance) answers 400 with response_code 1;
 *   a refund's own transaction id answers Get Transaction Status like a payment.
 */

const FINAL = new Set(['SUCCESS', 'FAILED', 'CANCELLED', 'PARTIALLY_REFUNDED', 'REFUNDED']);
const unauthorized = () => json(401, { response_code: 401, response_message: 'Unauthorized', payload: null });

export function enkashAuthorized(req: SandboxRequest, state: SandboxState): boolean {
  return state.tokenValid('enkash', bearer(req)) && same(header(req, 'merchantAccessKey'), state.credentials.ENKASH_ACCESS_KEY);
}

const REFUNDABLE = new Set(['SUCCESS', 'PARTIALLY_REFUNDED']);
const refused = (message: string) => json(400, { response_code: 1, response_message: message, payload: null });
const OUTCOME: Partial<Record<string, RefundOutcome | null>> = { refund_fail: 'failure', refund_stuck: null };

/** Refund (DESIGN.md "Enkash Refund"): only a successful payment, at most what is left, idempotent by requestId. */
const refundRoute: Route = {
  method: 'POST',
  path: '/enkash/api/v0/payment/:id/refund',
  endpoint: 'enkash.refund',
  handle(req, state) {
    if (!enkashAuthorized(req, state)) return unauthorized();
    state.refunds.settle();
    const txn = state.findTxn('enkash', req.params.id);
    if (!txn) return json(404, { response_code: 404, response_message: 'Transaction not found', payload: null });
    state.refunds.countCall('enkash', txn.id);
    const mode = req.fault?.mode;
    const answer = (refund: SandboxRefund) => ({ ...json(200, { response_code: 0, response_message: 'SUCCESS', payload: refundPayload(refund, txn) }), hang: mode === 'refund_timeout' });
    const requestId = field(req, 'requestId');
    if (!requestId) return refused('requestId is required');
    // The same requestId again is the same refund: nothing new is created.
    const again = state.refunds.byRequestId('enkash', requestId);
    if (again) return again.paymentId === txn.id ? answer(again) : refused('requestId was already used for another transaction');
    if (mode === 'refund_insufficient_balance') return refused('Insufficient balance in the merchant account to process the refund');
    if (!REFUNDABLE.has(txn.status)) return refused(`Only successful transactions can be refunded (this one is ${txn.status})`);
    const total = paymentAmount(txn);
    if (!total) return refused('The transaction amount is not known');
    const amount = refundAmount(req.body?.amount);
    if (!amount || !isPositive(amount)) return refused('amount must be a positive decimal amount');
    const left = amountLeft(total, state.refunds.committed('enkash', txn.id));
    if (compareMoney(amount, left) > 0) return refused(`Refund amount is more than the refundable amount (${rupees(left)})`);
    const outcome = mode && mode in OUTCOME ? OUTCOME[mode]! : 'success';
    return answer(state.refunds.create({ provider: 'enkash', paymentId: txn.id, requestId, amount, remarks: field(req, 'remarks'), outcome }));
  },
};

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
      state.refunds.settle();
      const refund = state.refunds.find('enkash', req.params.id);
      if (refund) return json(200, { response_code: 0, response_message: 'SUCCESS', payload: refundPayload(refund, state.findTxn('enkash', refund.paymentId)) });
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
  refundRoute,
];

/** A refund as Enkash describes it: in the refund reply and in Get Transaction Status of its own id. */
function refundPayload(refund: SandboxRefund, txn: SandboxTxn | undefined) {
  const p = txn?.payload ?? {};
  const words: Record<string, string> = { CREATED: 'Refund initiated.', SUCCESS: 'Refund successful.', FAILED: 'Refund failed.' };
  return {
    amount: rupees(refund.amount),
    paymentMode: p.paymentMode ?? null,
    bankCode: p.bankCode ?? null,
    bankName: p.bankName ?? null,
    currency: 'INR',
    status: refund.status,
    transactionId: refund.id,
    txnMsg: refund.errorMessage ?? words[refund.status] ?? 'Refund in progress.',
    txnDate: istAt(refund.createdAt),
    uniqueTransactionId: refund.uniqueTransactionId,
    bankTransactionId: refund.arn,
  };
}

const istAt = (iso: string) => new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
