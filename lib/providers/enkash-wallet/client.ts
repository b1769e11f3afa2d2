import { basicAuth, joinUrl, notConfigured, providerFetch, type CallContext } from '../http';
import { TokenCache, withToken } from '../token';
import { isConfigured, type Configured, type EnkashWalletConfig } from '../config';
import { ProviderError, type EnkashWalletClient, type OtpSendResult } from '../types';
import { generateOtpResult, tokenFromReply, walletError } from './replies';

/** Enkash Wallet: OAuth password-grant token and Generate Transaction OTP. */
export function createEnkashWalletClient(config: Configured<EnkashWalletConfig>, timeoutMs: number): EnkashWalletClient {
  if (!isConfigured(config)) {
    return {
      generateTransactionOtp: async () => {
        throw notConfigured('enkash_wallet', config.missing);
      },
    };
  }
  return new EnkashWallet(config, timeoutMs);
}

class EnkashWallet implements EnkashWalletClient {
  private readonly tokens: TokenCache;

  constructor(
    private readonly config: EnkashWalletConfig,
    private readonly timeoutMs: number,
  ) {
    this.tokens = new TokenCache(() => this.issueToken());
  }

  async generateTransactionOtp(input: { cardAccountId: string; enKashCardId: string }): Promise<OtpSendResult> {
    const ctx = this.ctx('generate transaction OTP', true);
    const reply = await withToken(ctx, this.tokens, (token) =>
      providerFetch(ctx, {
        method: 'POST',
        url: joinUrl(this.config.baseUrl, '/api/v0/partner/enKashCard/otp'),
        headers: { authorization: `Bearer ${token}`, partnerId: this.config.partnerId },
        json: { cardOtpAction: 'TRANSACTION_OTP', cardAccountId: input.cardAccountId, enKashCardId: input.enKashCardId },
      }),
    );
    return generateOtpResult(ctx, reply);
  }

  private async issueToken() {
    const ctx = this.ctx('token');
    const { clientId, clientSecret, username, password } = this.config;
    const reply = await providerFetch(ctx, {
      method: 'POST',
      url: joinUrl(this.config.baseUrl, '/oauth/token'),
      headers: { authorization: basicAuth(clientId, clientSecret) },
      form: { username, password, grant_type: 'password', clientId },
    });
    if (reply.status === 400 || reply.status === 401 || reply.status === 403) {
      throw new ProviderError('unauthorized', "Enkash Wallet token: the provider refused PayOps' client or user credentials (ENKASH_WALLET_*).", {
        provider: 'enkash_wallet',
        httpStatus: reply.status,
      });
    }
    if (reply.status >= 300) throw walletError(ctx, reply);
    return tokenFromReply(ctx, reply, Date.now());
  }

  private ctx(operation: string, send = false): CallContext {
    return { provider: 'enkash_wallet', operation, timeoutMs: this.timeoutMs, send };
  }
}
