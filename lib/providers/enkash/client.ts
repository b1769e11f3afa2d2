import { joinUrl, notConfigured, pathId, providerFetch, type CallContext, type ProviderRequest } from '../http';
import { TokenCache, withToken } from '../token';
import { isConfigured, type Configured, type EnkashPgConfig } from '../config';
import { ProviderError, type EnkashPgClient, type OtpSendResult, type OtpValidateResult, type ProviderStatus, type SettlementPayoutReply, type SettlementSearch } from '../types';
import { payoutResult, searchResult } from './settlements';
import { enkashError, resendResult, statusResult, tokenFromReply, validateResult } from './replies';

// A payout lists every payment it settles: tens of thousands of lines for a busy merchant's day.
const SETTLEMENT_REPLY_BYTES = 64 * 1024 * 1024;

/** Enkash payment gateway: merchant token, Resend OTP, Validate OTP, Get Transaction Status, settlement payouts. */
export function createEnkashPgClient(config: Configured<EnkashPgConfig>, timeoutMs: number): EnkashPgClient {
  if (!isConfigured(config)) {
    const fail = async (): Promise<never> => {
      throw notConfigured('enkash', config.missing);
    };
    return { resendOtp: fail, validateOtp: fail, getTransactionStatus: fail, searchSettlementPayouts: fail, getSettlementPayout: fail };
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
