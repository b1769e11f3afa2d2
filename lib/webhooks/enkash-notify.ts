import type { Db } from '@/db/client';
import type { DeliveryAuth } from '@/db/schema';
import { scrubCardNumbers } from '@/lib/cards';
import { parseJsonExact } from '@/lib/json';
import { clientIp, decodeUtf8, readBodyCapped } from '@/lib/http/request';
import { REDACTED, normalizeEnkashNotify, sha256 } from '@/lib/payments/enkash-notify';
import { ingestClaim, recordRejectedDelivery, type DeliveryMeta } from '@/lib/payments/ingest';
import { errorResponse, jsonError } from '@/lib/route';
import { storableText } from '@/lib/text';
import { authenticateSharedSecret } from './secret';

export const MAX_BODY_BYTES = 64 * 1024;
/** What a delivery row keeps of a body: enough to see what was sent, never a store of payloads. */
export const STORED_BODY_CHARS = 16 * 1024;

export interface NotifyDeps {
  db: () => Promise<Db>;
  secret: string | undefined;
}

/**
 * POST /api/webhooks/enkash/notify. Every request is recorded — accepted, duplicate or
 * rejected — before it is answered; one that cannot be recorded gets a 5xx so Enkash retries.
 */
export async function handleEnkashNotify(req: Request, deps: NotifyDeps): Promise<Response> {
  const base = { provider: 'enkash', sourceIp: clientIp(req), userAgent: req.headers.get('user-agent')?.slice(0, 256) ?? null };
  try {
    const auth = authenticateSharedSecret(req, deps.secret);
    const reject = async (httpStatus: number, code: string, reason: string, body: string | null, bodyBytes: number | null) => {
      await recordRejectedDelivery(await deps.db(), { ...base, ...redactedBody(body), bodyBytes, auth, httpStatus, reason });
      return jsonError(httpStatus, code, reason);
    };

    const read = await readBodyCapped(req, MAX_BODY_BYTES);
    if (!read.ok) {
      const head = new TextDecoder().decode(read.head);
      return reject(413, 'too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`, head, read.declared);
    }
    const text = decodeUtf8(read.bytes);
    const size = read.bytes.byteLength;
    if (auth === 'missing' || auth === 'invalid') {
      const reason = auth === 'missing' ? 'The webhook secret is missing.' : 'The webhook secret is wrong.';
      return reject(401, 'unauthorized', reason, text ?? '[not UTF-8]', size);
    }
    if (text === null) return reject(400, 'invalid_input', 'The body is not valid UTF-8.', '[not UTF-8]', size);
    const json = parseJsonExact(text);
    if (!json.ok) return reject(400, 'invalid_input', `The body is not valid JSON: ${json.reason}`, text, size);
    const normalized = normalizeEnkashNotify(json.value);
    if (!normalized.ok) return reject(400, 'invalid_input', normalized.reason, text, size);

    const { claim } = normalized;
    const stored = JSON.stringify(claim.payload);
    const delivery: DeliveryMeta = {
      ...base,
      auth,
      bodyBytes: size,
      body: stored.slice(0, STORED_BODY_CHARS),
      bodyTruncated: stored.length > STORED_BODY_CHARS,
      bodySha256: sha256(stored),
      flags: auth === 'unauthenticated' ? ['unauthenticated'] : [],
    };
    await ingestClaim(await deps.db(), claim, delivery);
    return Response.json({}, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorResponse(err, req);
  }
}

/** A method other than POST: refused, and recorded like every other delivery. */
export async function rejectEnkashMethod(req: Request, deps: NotifyDeps): Promise<Response> {
  try {
    const auth: DeliveryAuth = authenticateSharedSecret(req, deps.secret);
    const reason = `${req.method} is not allowed; Enkash notifications are POSTed.`;
    await recordRejectedDelivery(await deps.db(), {
      provider: 'enkash',
      sourceIp: clientIp(req),
      userAgent: req.headers.get('user-agent')?.slice(0, 256) ?? null,
      auth,
      httpStatus: 405,
      reason,
      ...redactedBody(null),
      bodyBytes: null,
    });
    const res = jsonError(405, 'method_not_allowed', reason);
    res.headers.set('allow', 'POST');
    return res;
  } catch (err) {
    return errorResponse(err, req);
  }
}

/**
 * A refused body is kept for the operator, but never with a card number or a payment token in
 * it: card numbers are cut to their last four, the token's value replaced, then it is capped.
 * The hash is of this redacted text: a hash of the raw body would let a PAN be brute-forced.
 */
function redactedBody(text: string | null) {
  if (text === null) return { body: null, bodySha256: null, bodyTruncated: false, flags: [] as string[] };
  const scrubbed = scrubCardNumbers(storableText(text).text);
  const redacted = scrubbed.text.replace(/("paymentToken"\s*:\s*)"(?:[^"\\]|\\.)*(?:"|\\?$)/g, `$1"${REDACTED}"`);
  return {
    body: redacted.slice(0, STORED_BODY_CHARS),
    bodySha256: sha256(redacted),
    bodyTruncated: redacted.length > STORED_BODY_CHARS,
    flags: scrubbed.found > 0 ? ['card_number_scrubbed'] : [],
  };
}
