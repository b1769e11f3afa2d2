import { basic, bearer, field, header, json, randomId, same, type Route, type SandboxRequest } from './http';

/**
 * Enkash Wallet: OAuth password-grant token and Generate Transaction OTP
 * (reference/enkash-wallet-generate-transaction-otp.txt). The wallet publishes no OTP limit;
 * the simulator keeps one per card (`cardAccountId:enKashCardId`) and answers 429 past it.
 */

const cardKey = (req: SandboxRequest) => {
  const account = field(req, 'cardAccountId');
  const card = field(req, 'enKashCardId');
  return account && card ? `${account}:${card}` : null;
};

export const enkashWalletRoutes: Route[] = [
  {
    method: 'POST',
    path: '/enkash-wallet/oauth/token',
    endpoint: 'wallet.token',
    handle(req, state) {
      const c = state.credentials;
      const client = basic(req);
      if (!client || !same(client.user, c.ENKASH_WALLET_CLIENT_ID) || !same(client.password, c.ENKASH_WALLET_CLIENT_SECRET)) {
        return json(401, { error: 'invalid_client', error_description: 'Bad client credentials' });
      }
      if (field(req, 'grant_type') !== 'password' || !same(field(req, 'clientId'), c.ENKASH_WALLET_CLIENT_ID)) {
        return json(400, { error: 'invalid_request', error_description: 'grant_type=password and clientId are required' });
      }
      if (!same(field(req, 'username'), c.ENKASH_WALLET_USERNAME) || !same(field(req, 'password'), c.ENKASH_WALLET_PASSWORD)) {
        return json(400, { error: 'invalid_grant', error_description: 'Bad credentials' });
      }
      const token = state.issueToken('wallet');
      return json(200, {
        access_token: token.value,
        token_type: 'bearer',
        expires_in: Math.max(1, Math.round((token.expiresAt - Date.now()) / 1000)),
        scope: 'read write',
      });
    },
  },
  {
    method: 'POST',
    path: '/enkash-wallet/api/v0/partner/enKashCard/otp',
    endpoint: 'wallet.otp',
    sendKey: (req) => {
      const key = cardKey(req);
      return key ? ['enkash_wallet', key] : null;
    },
    handle(req, state) {
      if (!state.tokenValid('wallet', bearer(req))) return json(401, { code: 401, message: 'Unauthorized', payload: null });
      if (!same(header(req, 'partnerId'), state.credentials.ENKASH_WALLET_PARTNER_ID)) {
        return json(403, { code: 403, message: 'Invalid partnerId', payload: null });
      }
      const key = cardKey(req);
      if (field(req, 'cardOtpAction') !== 'TRANSACTION_OTP' || !key) {
        return json(400, { code: 400, message: 'cardOtpAction TRANSACTION_OTP, cardAccountId and enKashCardId are required', payload: null });
      }
      const txn = state.txn('enkash_wallet', key);
      if (txn.timesOtpSent >= txn.maxOtpSendLimit) return json(429, { code: 429, message: 'OTP request limit reached for this card', payload: null });
      txn.timesOtpSent += 1;
      return json(200, { code: 0, message: 'Success', payload: { otpRequestId: randomId('EK'), mobileNumber: '60XXXXXX11' } });
    },
  },
];
