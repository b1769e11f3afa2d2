import { ENKASH_SECRET_KEYS, normalizeEnkashNotify } from '@/lib/payments/enkash-notify';
import { handleWebhook, rejectWebhookMethod, type WebhookDeps, type WebhookSpec } from './handle';
import { authenticateSharedSecret } from './secret';

export { MAX_BODY_BYTES, STORED_BODY_CHARS } from './handle';

export interface NotifyDeps extends WebhookDeps {
  secret: string | undefined;
}

const AUTH_REASONS = { missing: 'The webhook secret is missing.', invalid: 'The webhook secret is wrong.' } as const;

function enkashSpec(secret: string | undefined): WebhookSpec {
  return {
    provider: 'enkash',
    what: 'Enkash notifications',
    authenticate: (req) => {
      const auth = authenticateSharedSecret(req, secret);
      return { auth, reason: auth === 'missing' || auth === 'invalid' ? AUTH_REASONS[auth] : undefined };
    },
    normalize: normalizeEnkashNotify,
    secretKeys: ENKASH_SECRET_KEYS,
  };
}

/** POST /api/webhooks/enkash/notify: the shared secret, then the common webhook pipeline. */
export function handleEnkashNotify(req: Request, deps: NotifyDeps): Promise<Response> {
  return handleWebhook(req, enkashSpec(deps.secret), deps);
}

/** A method other than POST: refused, and recorded like every other delivery. */
export function rejectEnkashMethod(req: Request, deps: NotifyDeps): Promise<Response> {
  return rejectWebhookMethod(req, enkashSpec(deps.secret), deps);
}
