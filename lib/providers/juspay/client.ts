import { basicAuth, joinUrl, notConfigured, pathId, providerFetch, REFUND_UNKNOWN_OUTCOME, refundAmountText, type CallContext } from '../http';
import { isConfigured, type Configured, type JuspayConfig } from '../config';
import { ProviderError, type JuspayClient, type JuspayOrderStatus, type OtpSendResult, type OtpValidateResult, type ProviderRefund } from '../types';
import { orderStatusResult, processResult, refundResult, resendResult } from './replies';

/**
 * Juspay: Direct OTP (Resend OTP, Process OTP), Order Status and Refund, Basic auth with the API
 * key (empty password).
 */
export function createJuspayClient(config: Configured<JuspayConfig>, timeoutMs: number): JuspayClient {
  if (!isConfigured(config)) {
    const fail = async (): Promise<never> => {
      throw notConfigured('juspay', config.missing);
    };
    return { resendOtp: fail, processOtp: fail, getOrderStatus: fail, refund: fail };
  }
  return new Juspay(config, timeoutMs);
}

const JUSPAY_API_VERSION_DEFAULT = '2023-06-30';

type Target = { txnId: string; challengeId: string; customerId: string };

class Juspay implements JuspayClient {
  constructor(
    private readonly config: JuspayConfig,
    private readonly timeoutMs: number,
  ) {}

  async resendOtp(input: Target): Promise<OtpSendResult> {
    const ctx = this.ctx('resend OTP', true);
    const { txn, challenge, headers } = this.target(ctx, input);
    const reply = await providerFetch(ctx, { method: 'POST', url: this.url(`/v2/txns/${txn}/authenticate/${challenge}/resend`), headers });
    return resendResult(ctx, reply);
  }

  async processOtp(input: Target & { otp: string }): Promise<OtpValidateResult> {
    const ctx = this.ctx('process OTP');
    const { txn, headers } = this.target(ctx, input);
    const reply = await providerFetch(ctx, {
      method: 'POST',
      url: this.url(`/v2/txns/${txn}/authenticate`),
      headers,
      form: { challenge_id: input.challengeId, 'answer.otp': input.otp },
    });
    return processResult(ctx, reply);
  }

  async getOrderStatus(orderId: string): Promise<JuspayOrderStatus> {
    const ctx = this.ctx('order status');
    const order = pathId(ctx, 'the order id', orderId);
    const reply = await providerFetch(ctx, { method: 'GET', url: this.url(`/orders/${order}`), headers: this.orderHeaders() });
    return orderStatusResult(ctx, reply, orderId);
  }

  async refund(input: { orderId: string; requestId: string; amount: string }): Promise<ProviderRefund> {
    const ctx: CallContext = { ...this.ctx('refund', true), unknownOutcome: REFUND_UNKNOWN_OUTCOME };
    const headers = this.orderHeaders();
    // unique_request_id: at most 20 characters (DESIGN.md "Juspay Refund"); refused here, never sent.
    if (!/^[A-Za-z0-9_-]{1,20}$/.test(input.requestId)) {
      throw new ProviderError('invalid_input', 'Juspay refund: the request id must be 1–20 letters, digits, "_" or "-".', { provider: 'juspay' });
    }
    const amount = refundAmountText(ctx, input.amount);
    const order = pathId(ctx, 'the order id', input.orderId);
    const reply = await providerFetch(ctx, {
      method: 'POST',
      url: this.url(`/orders/${order}/refunds`),
      headers,
      form: { unique_request_id: input.requestId, amount },
    });
    return refundResult(ctx, reply, input.orderId, input.requestId);
  }

  /** Order Status and Refund need the merchant id as well; OTP calls keep working without it. */
  private orderHeaders() {
    if (!this.config.merchantId) throw notConfigured('juspay', ['JUSPAY_MERCHANT_ID']);
    return {
      authorization: basicAuth(this.config.apiKey, ''),
      'x-merchantid': this.config.merchantId,
      version: this.config.apiVersion ?? JUSPAY_API_VERSION_DEFAULT,
    };
  }

  private target(ctx: CallContext, input: Target) {
    // x-routing-id must be the same customer id on every call (reference/juspay-resend-otp.md).
    if (!/^[\x21-\x7e]{1,128}$/.test(input.customerId)) {
      throw new ProviderError('invalid_input', 'Juspay: the customer id (x-routing-id) is not valid.', { provider: 'juspay' });
    }
    return {
      txn: pathId(ctx, 'the transaction id', input.txnId),
      challenge: pathId(ctx, 'the challenge id', input.challengeId),
      headers: { authorization: basicAuth(this.config.apiKey, ''), 'x-routing-id': input.customerId },
    };
  }

  private ctx(operation: string, send = false): CallContext {
    return { provider: 'juspay', operation, timeoutMs: this.timeoutMs, send };
  }

  private url(path: string) {
    return joinUrl(this.config.baseUrl, path);
  }
}
