import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditCheckpoints, type AuditCheckpoint } from '@/db/schema';
import { isDatabaseUnavailable } from '@/lib/errors';
import { postSignedJson } from '@/lib/http/signed-post';
import { RetryableJobError } from '@/lib/jobs/errors';
import { anchorSecret, auditSignature } from './chain';
import { auditKey } from './key';
import { lockAuditHead, recordAudit } from './record';
import { checkpointSigned } from './verify';

export const CHECKPOINT_ACTION = 'audit.checkpoint';
export const AUDIT_ACTOR = 'system:audit';

/**
 * Writes a signed checkpoint of the log's head: a row in audit_checkpoints (insert-only, apart
 * from the log) and the same in the log itself (`audit.checkpoint`), in one transaction under the
 * append lock, so the head it names is the row just before it. Null when nothing was appended
 * since the last checkpoint (the head is a checkpoint row): run twice, it writes one.
 */
export async function writeAuditCheckpoint(db: Db, options: { now?: Date } = {}): Promise<AuditCheckpoint | null> {
  const key = auditKey();
  return db.transaction(async (tx) => {
    const head = await lockAuditHead(tx);
    if (!head || head.action === CHECKPOINT_ACTION) return null;
    const cp = { at: options.now ?? new Date(), headId: head.id, headSeq: head.seq, headMac: head.chain };
    const signature = auditSignature(key, 'checkpoint', checkpointSigned(cp));
    const row = await recordAudit(tx, {
      actor: AUDIT_ACTOR,
      action: CHECKPOINT_ACTION,
      target: `audit_log:${head.id}`,
      outcome: 'ok',
      details: { headId: head.id, rows: head.seq },
      digests: { headMac: head.chain, signature },
    });
    const [written] = await tx
      .insert(auditCheckpoints)
      .values({ ...cp, auditRowId: row.id, signature })
      .returning();
    return written;
  });
}

export interface AnchorOptions {
  /** AUDIT_ANCHOR_URL; unset: nothing is posted. */
  url?: string;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
  now?: () => Date;
}

export type AnchorResult = { status: 'delivered'; httpStatus: number } | { status: 'not_configured' };

/**
 * Posts one checkpoint to AUDIT_ANCHOR_URL, out of the database's reach: whoever can delete rows
 * (and checkpoints) in it cannot take back what the receiver holds. Signed like alert messages
 * (`X-PayOps-Signature`, with `anchorSecret`), `X-PayOps-Delivery: audit-checkpoint-<id>` the
 * same on every retry. A network error, timeout, 5xx or 429 throws RetryableJobError (the queue
 * tries again); another 4xx or a redirect is final. Posting one twice is harmless.
 */
export async function anchorCheckpoint(db: Db, checkpointId: number, options: AnchorOptions): Promise<AnchorResult> {
  if (!options.url) return { status: 'not_configured' };
  const label = `audit checkpoint ${checkpointId}`;
  let cp: AuditCheckpoint | undefined;
  try {
    [cp] = await db.select().from(auditCheckpoints).where(eq(auditCheckpoints.id, checkpointId));
  } catch (err) {
    if (isDatabaseUnavailable(err)) throw new RetryableJobError(`${label}: the database did not answer`, { cause: err });
    throw err;
  }
  if (!cp) throw new Error(`${label}: no such checkpoint`);
  const body = JSON.stringify({
    checkpoint: { id: cp.id, ...checkpointSigned(cp), auditRowId: cp.auditRowId, signature: cp.signature },
  });
  const outcome = await postSignedJson({
    url: options.url,
    body,
    secret: anchorSecret(auditKey()),
    deliveryId: `audit-checkpoint-${cp.id}`,
    userAgent: 'PayOps-Audit/1',
    timeoutMs: options.timeoutMs,
    fetchImpl: options.fetchImpl,
    now: options.now,
  });
  if (outcome.kind === 'delivered') return { status: 'delivered', httpStatus: outcome.status };
  if (outcome.kind === 'retry') throw new RetryableJobError(`${label}: ${outcome.why}`);
  throw new Error(`${label}: ${outcome.why}`);
}
