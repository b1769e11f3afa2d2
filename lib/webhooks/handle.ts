import type { Db } from '@/db/client';
import type { DeliveryAuth } from '@/db/schema';
import { clientIp, decodeUtf8, readBodyCapped } from '@/lib/http/request';
import { parseJsonExact } from '@/lib/json';
import { sha256, type NormalizeResult, type PaymentClaim } from '@/lib/payments/claim';
import { ingestClaim, recordRejectedDelivery, type DeliveryMeta, type IngestResult } from '@/lib/payments/ingest';
import { databaseDataError } from '@/lib/errors';
import { ringLive } from '@/lib/live/ring';
import { logError } from '@/lib/log';
import { errorResponse, jsonError } from '@/lib/route';
import { redactedBody, STORED_BODY_CHARS } from './stored-body';

export const MAX_BODY_BYTES = 64 * 1024;
export { STORED_BODY_CHARS };

/** The auth verdict on a request; `reason` says why a refused one was refused. */
export interface WebhookAuth {
  auth: DeliveryAuth;
  reason?: string;
}

/** What differs between providers' webhooks; everything else is this file. */
export interface WebhookSpec {
  provider: PaymentClaim['provider'];
  /** For the 405 answer: "Enkash notifications", "Juspay webhooks". */
  what: string;
  authenticate(req: Request): WebhookAuth;
  normalize(json: unknown): NormalizeResult;
  /** Keys whose values are secrets, redacted from refused bodies as well (by meaning: lib/secrets.ts). */
  secretKeys: readonly string[];
}

export interface AcceptedDelivery {
  provider: PaymentClaim['provider'];
  transactionId: string;
  result: IngestResult;
}

export interface WebhookDeps {
  db: () => Promise<Db>;
  /**
   * Called once a new event has been recorded (never for a duplicate), before the answer. It
   * only schedules work (Next's `after()`); whatever it does, the answer stays 200.
   */
  afterAccepted?: (accepted: AcceptedDelivery) => void;
}

/**
 * One webhook delivery. Every request is recorded — accepted, duplicate or rejected — before it
 * is answered; one that cannot be recorded gets a 5xx so the provider retries.
 */
export async function handleWebhook(req: Request, spec: WebhookSpec, deps: WebhookDeps): Promise<Response> {
  const base = { provider: spec.provider, sourceIp: clientIp(req), userAgent: req.headers.get('user-agent') };
  try {
    const { auth, reason: authReason } = spec.authenticate(req);
    const reject = async (httpStatus: number, code: string, reason: string, body: string | null, bodyBytes: number | null) => {
      const db = await deps.db();
      await recordRejectedDelivery(db, { ...base, ...redactedBody(body, spec.secretKeys), bodyBytes, auth, httpStatus, reason });
      ringLive(db);
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
      return reject(401, 'unauthorized', authReason ?? 'The credentials are wrong.', text ?? '[not UTF-8]', size);
    }
    if (text === null) return reject(400, 'invalid_input', 'The body is not valid UTF-8.', '[not UTF-8]', size);
    const json = parseJsonExact(text);
    if (!json.ok) return reject(400, 'invalid_input', `The body is not valid JSON: ${json.reason}`, text, size);
    const normalized = spec.normalize(json.value);
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
    let result: IngestResult;
    try {
      const db = await deps.db();
      result = await ingestClaim(db, claim, delivery);
      // Committed: live pages hear of it now, on every instance.
      ringLive(db);
    } catch (err) {
      // Second line of defence: data the normaliser let through but the database refuses. It
      // would be refused on every retry, so it is recorded as refused and answered 4xx, never
      // an unrecorded 5xx. An unavailable database still throws on to the 503 below.
      const refused = databaseDataError(err);
      if (!refused) throw err;
      logError(`[webhook ${spec.provider}] the database refused the data of a delivery for ${claim.transactionId}: SQLSTATE ${refused.sqlstate}${refused.where}`);
      const reason = `The delivery holds data the database cannot store (SQLSTATE ${refused.sqlstate}, ${refused.className}).`;
      const refusal = { ...base, bodyBytes: size, auth, httpStatus: 400, reason };
      const db = await deps.db();
      try {
        await recordRejectedDelivery(db, { ...refusal, ...redactedBody(text, spec.secretKeys), transactionId: claim.transactionId });
      } catch (again) {
        // What the refusal would keep (the body, the id) may be what the database refuses.
        if (!databaseDataError(again)) throw again;
        await recordRejectedDelivery(db, { ...refusal, ...redactedBody(null, spec.secretKeys), reason: `${reason} Its body could not be kept either.` });
      }
      ringLive(db);
      return jsonError(400, 'invalid_input', reason);
    }
    if (result.outcome === 'accepted' && deps.afterAccepted) {
      try {
        deps.afterAccepted({ provider: claim.provider, transactionId: claim.transactionId, result });
      } catch (err) {
        logError(`[webhook ${spec.provider}] after-accept hook failed for ${claim.transactionId}`, err);
      }
    }
    return Response.json({}, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorResponse(err, req);
  }
}

/** A method other than POST: refused, and recorded like every other delivery. */
export async function rejectWebhookMethod(req: Request, spec: WebhookSpec, deps: WebhookDeps): Promise<Response> {
  try {
    const reason = `${req.method} is not allowed; ${spec.what} are POSTed.`;
    const db = await deps.db();
    await recordRejectedDelivery(db, {
      provider: spec.provider,
      sourceIp: clientIp(req),
      userAgent: req.headers.get('user-agent'),
      auth: spec.authenticate(req).auth,
      httpStatus: 405,
      reason,
      ...redactedBody(null, spec.secretKeys),
      bodyBytes: null,
    });
    ringLive(db);
    const res = jsonError(405, 'method_not_allowed', reason);
    res.headers.set('allow', 'POST');
    return res;
  } catch (err) {
    return errorResponse(err, req);
  }
}
