import { scrubCardNumbers } from '@/lib/cards';
import { joinUrl, notConfigured, pathId, providerFetch, REFUND_UNKNOWN_OUTCOME, refundAmountText, type CallContext, type ProviderRequest } from '../http';
import { TokenCache, withToken } from '../token';
import { isConfigured, type Configured, type EnkashPgConfig } from '../config';
import { ProviderError, type EnkashPgClient, type OtpSendResult, type OtpValidateResult, type ProviderRefund, type ProviderStatus, type SettlementPayoutReply, type SettlementSearch } from '../types';
import { payoutResult, searchResult } from './settlements';
import { enkashError, refundResult, resendResult, statusResult, tokenFromReply, validateResult } from './replies';

// A payout lists every payment it settles: tens of thousands of lines for a busy merchant's day.
const SETTLEMENT_REPLY_BYTES = 64 * 1024 * 1024;
// Enkash publishes no limit for requestId: PayOps' ids are short and plain, so anything else is a bug.
const REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Enkash payment gateway: merchant token, Resend OTP, Validate OTP, Get Transaction Status, settlement payouts, refunds. */
export function createEnkashPgClient(config: Configured<EnkashPgConfig>, timeoutMs: number): EnkashPgClient {
  if (!isConfigured(config)) {
    const fail = async (): Promise<never> => {
      throw notConfigured('enkash', config.missing);
    };
    return { resendOtp: fail, validateOtp: fail, getTransactionStatus: fail, searchSettlementPayouts: fail, getSettlementPayout: fail, refund: fail, getRefundStatus: fail };
  }
  return new EnkashPg(config, timeoutMs);
}

class EnkashPg implements EnkashPgClient {
  private readonly tokens: TokenCache;

  constructor(
    private readonly config: EnkashPgConfig,
    private readonly timeoutMs: number,
  ) {
    this.tokens = new TokenCache(() => this.issueToken());
  }

  async resendOtp(enkashTransactionId: string): Promise<OtpSendResult> {
    const ctx = this.ctx('resend OTP', true);
    const id = pathId(ctx, 'the Enkash transaction id', enkashTransactionId);
    const reply = await this.call(ctx, { method: 'GET', url: this.url(`/pay/resend/otp/${id}`) });
    return resendResult(ctx, reply);
  }

  async validateOtp(input: { ekPayId: string; otp: string; checkSum?: string }): Promise<OtpValidateResult> {
    const ctx = this.ctx('validate OTP');
    const json = { ekPayId: input.ekPayId, otp: input.otp, ...(input.checkSum ? { checkSum: input.checkSum } : {}) };
    const reply = await this.call(ctx, { method: 'POST', url: this.url('/pay/otp/validate'), json });
    return validateResult(ctx, reply);
  }

  async getTransactionStatus(transactionId: string): Promise<ProviderStatus> {
    const ctx = this.ctx('transaction status');
    const id = pathId(ctx, 'the transaction id', transactionId);
    const reply = await this.call(ctx, { method: 'GET', url: this.url(`/api/v0/payment/${id}`) });
    return statusResult(ctx, reply, transactionId);
  }

  async searchSettlementPayouts(search: SettlementSearch): Promise<{ payouts: SettlementPayoutReply[]; total: number | null }> {
    const ctx = { ...this.ctx('search settlement payouts'), maxReplyBytes: SETTLEMENT_REPLY_BYTES };
    const limit = Math.min(Math.max(1, Math.floor(search.limit)), 5000);
    const query = new URLSearchParams({ offset: String(Math.max(0, Math.floor(search.offset))), limit: String(limit) });
    if (search.orderBy) query.set('orderBy', search.orderBy);
    if (search.direction) query.set('direction', search.direction);
    const reply = await this.call(ctx, { method: 'POST', url: this.url(`/api/v0/settlement-payout/search?${query}`), json: search.filters ?? {} });
    return searchResult(ctx, reply);
  }

  async getSettlementPayout(settlementPayoutId: string): Promise<SettlementPayoutReply> {
    const ctx = { ...this.ctx('settlement payout'), maxReplyBytes: SETTLEMENT_REPLY_BYTES };
    const id = pathId(ctx, 'the settlement payout id', settlementPayoutId);
    const reply = await this.call(ctx, { method: 'GET', url: this.url(`/api/v0/settlement-payout/${id}`) });
    return payoutResult(ctx, reply);
  }

  async refund(input: { transactionId: string; amount: string; remarks: string | null; requestId: string }): Promise<ProviderRefund> {
    const ctx: CallContext = { ...this.ctx('refund', true), unknownOutcome: REFUND_UNKNOWN_OUTCOME };
    const id = pathId(ctx, 'the transaction id', input.transactionId);
    const amount = refundAmountText(ctx, input.amount);
    if (!REQUEST_ID.test(input.requestId)) {
      throw new ProviderError('invalid_input', 'Enkash refund: the request id is not valid (1–64 letters, digits, "_" or "-").', { provider: 'enkash' });
    }
    // Free text leaves PayOps scrubbed too: a card number pasted into a reason never reaches Enkash.
    const remarks = input.remarks ? scrubCardNumbers(input.remarks.replace(/\s+/g, ' ').trim()).text.slice(0, 200) : '';
    const json = { amount, ...(remarks ? { remarks } : {}), requestId: input.requestId };
    const reply = await this.call(ctx, { method: 'POST', url: this.url(`/api/v0/payment/${id}/refund`), json });
    return refundResult(ctx, reply, { requestId: input.requestId });
  }

  async getRefundStatus(input: { refundTransactionId: string; requestId: string }): Promise<ProviderRefund> {
    const ctx = this.ctx('refund status');
    const id = pathId(ctx, 'the refund transaction id', input.refundTransactionId);
    const reply = await this.call(ctx, { method: 'GET', url: this.url(`/api/v0/payment/${id}`) });
    return refundResult(ctx, reply, { requestId: input.requestId, refundTransactionId: input.refundTransactionId });
  }

  private call(ctx: CallContext, req: ProviderRequest) {
    return withToken(ctx, this.tokens, (token) =>
      providerFetch(ctx, {
        ...req,
        headers: { authorization: `Bearer ${token}`, merchantAccessKey: this.config.accessKey },
      }),
    );
  }

  private async issueToken() {
    const ctx = this.ctx('token');
    const reply = await providerFetch(ctx, {
      method: 'POST',
      url: this.url('/api/v0/merchant/token'),
      json: { accessKey: this.config.accessKey, secretKey: this.config.secretKey },
    });
    if (reply.status === 400 || reply.status === 401 || reply.status === 403) {
      throw new ProviderError('unauthorized', "Enkash token: the provider refused PayOps' access key (ENKASH_ACCESS_KEY / ENKASH_SECRET_KEY).", {
        provider: 'enkash',
        httpStatus: reply.status,
      });
    }
    if (reply.status >= 300) throw enkashError(ctx, reply);
    return tokenFromReply(ctx, reply, Date.now());
  }

  private ctx(operation: string, send = false): CallContext {
    return { provider: 'enkash', operation, timeoutMs: this.timeoutMs, send };
  }

  private url(path: string) {
    return joinUrl(this.config.baseUrl, path);
  }
}
