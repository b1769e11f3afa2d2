import { JUSPAY_SECRET_KEYS, normalizeJuspayWebhook } from '@/lib/payments/juspay-webhook';
import { handleWebhook, rejectWebhookMethod, type WebhookAuth, type WebhookDeps, type WebhookSpec } from './handle';
import { basicCredentials, safeEqual } from './secret';

export interface JuspayCredentials {
  username: string | undefined;
  password: string | undefined;
  /** True with a real database: then no configured credentials means every delivery is refused. */
  required: boolean;
}

export interface JuspayDeps extends WebhookDeps {
  credentials: JuspayCredentials;
}

export const JUSPAY_NOT_CONFIGURED =
  'Juspay webhooks are not configured here: set JUSPAY_WEBHOOK_USERNAME and JUSPAY_WEBHOOK_PASSWORD to the Basic auth set in the Juspay dashboard.';

/**
 * Juspay authenticates its webhooks with HTTP Basic, user name and password set in its dashboard.
 * Both are compared, each in constant time and always both, so the answer does not tell which
 * one was wrong. Without credentials configured the embedded demo accepts deliveries marked
 * unauthenticated; with a real database nothing is accepted, but startup is not blocked, since a
 * merchant may not use Juspay at all.
 */
export function authenticateJuspay(req: Request, config: JuspayCredentials): WebhookAuth {
  const given = basicCredentials(req);
  const { username, password } = config;
  if (!username && !password && !config.required) return { auth: 'unauthenticated' };
  if (!username || !password) return { auth: given ? 'invalid' : 'missing', reason: JUSPAY_NOT_CONFIGURED };
  if (!given) return { auth: 'missing', reason: 'The Basic auth credentials are missing.' };
  const userOk = safeEqual(given.username, username);
  const passwordOk = safeEqual(given.password, password);
  return userOk && passwordOk ? { auth: 'ok' } : { auth: 'invalid', reason: 'The Basic auth user name or password is wrong.' };
}

function juspaySpec(credentials: JuspayCredentials): WebhookSpec {
  return {
    provider: 'juspay',
    what: 'Juspay webhooks',
    authenticate: (req) => authenticateJuspay(req, credentials),
    normalize: normalizeJuspayWebhook,
    secretKeys: JUSPAY_SECRET_KEYS,
  };
}

/** POST /api/webhooks/juspay: Basic auth, then the common webhook pipeline (lib/webhooks/handle.ts). */
export function handleJuspayWebhook(req: Request, deps: JuspayDeps): Promise<Response> {
  return handleWebhook(req, juspaySpec(deps.credentials), deps);
}

export function rejectJuspayMethod(req: Request, deps: JuspayDeps): Promise<Response> {
  return rejectWebhookMethod(req, juspaySpec(deps.credentials), deps);
}
