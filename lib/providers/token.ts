import { PROVIDER_LABEL, type CallContext, type ProviderReply } from './http';
import { ProviderError } from './types';

export interface IssuedToken {
  value: string;
  /** Epoch ms after which the provider no longer accepts it. */
  expiresAt: number;
  /** Epoch ms when PayOps received it. */
  obtainedAt: number;
}

/**
 * A provider access token kept in this process (it is not state that matters across instances:
 * each instance simply holds its own). Renewed shortly before it expires, at most one renewal
 * in flight however many calls are waiting for it.
 */
export class TokenCache {
  private current: IssuedToken | null = null;
  private pending: Promise<IssuedToken> | null = null;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    const token = this.current;
    if (token && this.now() < renewAt(token)) return token.value;
    return (await this.renew()).value;
  }

  /** Forgets `value` if it is still the cached token (the provider answered 401 to it). */
  invalidate(value: string): void {
    if (this.current?.value === value) this.current = null;
  }

  private renew(): Promise<IssuedToken> {
    this.pending ??= this.issue()
      .then((token) => {
        this.current = token;
        return token;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}

// Renew a tenth of the lifetime early, at most 30 s: a call started just before expiry still lands.
function renewAt(token: IssuedToken): number {
  const lifetime = Math.max(0, token.expiresAt - token.obtainedAt);
  return token.expiresAt - Math.min(30_000, lifetime / 10);
}

/**
 * Runs `call` with the cached token; on a 401 renews the token once and repeats the call (a 401
 * means the request was refused, so even a send did not happen). A second 401 is `unauthorized`.
 */
export async function withToken(
  ctx: CallContext,
  cache: TokenCache,
  call: (token: string) => Promise<ProviderReply>,
): Promise<ProviderReply> {
  const first = await cache.get();
  const reply = await call(first);
  if (reply.status !== 401) return reply;
  cache.invalidate(first);
  const again = await call(await cache.get());
  if (again.status !== 401) return again;
  throw new ProviderError(
    'unauthorized',
    `${PROVIDER_LABEL[ctx.provider]} ${ctx.operation}: the provider refused PayOps' token twice (HTTP 401), even after renewing it.`,
    { provider: ctx.provider, httpStatus: 401 },
  );
}
