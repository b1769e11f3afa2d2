import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureHeader } from '@/lib/alerts/signature';
import { scrubbedText, truncate } from '@/lib/text';

export interface SignedPost {
  url: string;
  /** The JSON text, signed exactly as sent. */
  body: string;
  /** Unset (embedded demo only): sent unsigned. */
  secret?: string;
  /** `X-PayOps-Delivery`: the same on every retry, so a receiver can drop a repeat. */
  deliveryId: string;
  userAgent: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  /** The clock of the signature's timestamp (tests). */
  now?: () => Date;
}

/** What the receiver did, in PayOps' words: never its reply, nor the URL (either may be secret). */
export type PostOutcome =
  | { kind: 'delivered'; status: number }
  /** A network error, a timeout, a 5xx or a 429: a later try may work. */
  | { kind: 'retry'; status: number | null; why: string }
  /** A redirect (never followed) or another 4xx: the receiver refuses this message. */
  | { kind: 'refused'; status: number; why: string };

/**
 * Posts JSON signed with `X-PayOps-Signature` (lib/alerts/signature.ts: Stripe's scheme), the
 * way alerts and audit anchors leave PayOps: a deadline, no redirects, the reply not read.
 */
export async function postSignedJson(post: SignedPost): Promise<PostOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': post.userAgent,
    [DELIVERY_HEADER]: post.deliveryId,
  };
  if (post.secret) {
    const t = Math.floor((post.now?.() ?? new Date()).getTime() / 1000);
    headers[SIGNATURE_HEADER] = signatureHeader(post.secret, post.body, t);
  }
  let status: number;
  try {
    const res = await (post.fetchImpl ?? fetch)(post.url, {
      method: 'POST',
      headers,
      body: post.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(post.timeoutMs),
    });
    status = res.status;
    // The reply is not read (it may echo anything); cancelling frees the connection.
    await res.body?.cancel().catch(() => {});
  } catch (err) {
    return { kind: 'retry', status: null, why: networkFailure(err, post.timeoutMs) };
  }
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429 || status >= 500) return { kind: 'retry', status, why: `HTTP ${status}: the receiver is unavailable; tried again later` };
  const why = status >= 300 && status < 400 ? `HTTP ${status}: the receiver redirects; redirects are not followed` : `HTTP ${status}: the receiver refused the message`;
  return { kind: 'refused', status, why };
}

/** A failed request in PayOps' words: a code, never the driver's message (it can quote the URL). */
function networkFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : null;
  return truncate(scrubbedText(code && /^[A-Z0-9_]{2,40}$/.test(code) ? `network error (${code})` : 'network error'), 200);
}
