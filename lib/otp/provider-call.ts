import { isProviderError, type ProviderError, type OtpSendResult, type OtpValidateResult } from '@/lib/providers/types';
import type { ProviderAnswer } from './ledger';

/**
 * Runs one provider call and turns whatever happens into an attempt outcome. Nothing thrown
 * here reaches a log or a client unfiltered: `secret` (an OTP being validated) is cut out of
 * any message that is logged.
 */
export async function callProvider(call: () => Promise<OtpSendResult | OtpValidateResult>, opts: { secret?: string } = {}): Promise<ProviderAnswer> {
  try {
    const r = await call();
    const send = 'budget' in r;
    return {
      outcome: send ? 'sent' : 'validated',
      message: send ? null : r.message,
      providerRequestId: r.providerRequestId,
      providerStatus: send ? null : r.status,
      maskedMobile: send ? r.maskedMobile : null,
      providerBudget: send ? r.budget : null,
      challengeId: send ? r.challengeId : null,
    };
  } catch (err) {
    const scrub = (text: string) => (opts.secret ? text.replaceAll(opts.secret, '[otp]') : text);
    if (isProviderError(err)) {
      const answer = answerForError(err);
      if (answer.outcome === 'provider_error' || answer.outcome === 'provider_timeout_unknown') {
        console.error(`[otp] ${err.details.provider} ${err.code} (HTTP ${err.details.httpStatus ?? '—'}): ${scrub(err.message)}`);
      }
      return answer;
    }
    console.error(`[otp] provider call failed unexpectedly: ${scrub(err instanceof Error ? `${err.name}: ${err.message}` : String(err))}`);
    return { outcome: 'provider_error' };
  }
}

export function answerForError(err: ProviderError): ProviderAnswer {
  const providerRequestId = err.details.providerRequestId ?? null;
  switch (err.code) {
    case 'rate_limited':
      return { outcome: 'rate_limited_by_provider', providerRequestId };
    case 'provider_timeout':
      return { outcome: 'provider_timeout_unknown', providerRequestId };
    case 'invalid_input':
    case 'not_found':
      return { outcome: 'provider_refused', providerRequestId };
    case 'unauthorized':
    case 'provider_error':
    case 'duplicate_request': // refunds only: never an OTP call's answer
      return { outcome: 'provider_error', providerRequestId };
  }
}
