import { z } from 'zod';
import { env } from '@/lib/env';
import { sendJob } from '@/lib/jobs/boss';
import { defineQueue, defineScheduledTask } from '@/lib/jobs/queue';
import { anchorCheckpoint, writeAuditCheckpoint } from './checkpoint';
import { runFullVerification } from './verification';

// No setting of its own: an anchor receiver is a log store on the operator's side, quick to answer.
const ANCHOR_TIMEOUT_MS = 5000;

/**
 * Posts one checkpoint to AUDIT_ANCHOR_URL. A network error, timeout, 5xx or 429 is retried with
 * backoff (30 s doubling, about an hour in all); a 4xx is not.
 */
export const auditAnchorQueue = defineQueue({
  name: 'audit-anchor',
  title: 'Post an audit checkpoint to the anchor URL',
  data: z.object({ checkpointId: z.number().int().positive() }),
  policy: 'stately',
  retryLimit: 7,
  retryDelay: 30,
  expireInSeconds: 120,
  concurrency: 1,
  sendOptions: (d) => ({ singletonKey: String(d.checkpointId) }),
  run: async (data, { db }) => anchorCheckpoint(db, data.checkpointId, { url: env().AUDIT_ANCHOR_URL, timeoutMs: ANCHOR_TIMEOUT_MS }),
});

/**
 * Every 5 minutes: a signed checkpoint of the log's head (none when nothing was appended since the
 * last one), then, with AUDIT_ANCHOR_URL, its post. Rows appended after the last checkpoint and
 * deleted before the next are what a checkpoint cannot vouch for: the interval is that window.
 */
export const auditCheckpointQueue = defineScheduledTask({
  name: 'audit-checkpoint',
  title: 'Checkpoint the audit log',
  cron: '*/5 * * * *',
  retryDelay: 30,
  async run({ db }) {
    const cp = await writeAuditCheckpoint(db);
    if (cp && env().AUDIT_ANCHOR_URL) await sendJob(auditAnchorQueue, { checkpointId: cp.id });
    return cp ? { checkpointId: cp.id, headId: cp.headId, rows: cp.headSeq } : { checkpointId: null };
  },
});

/**
 * Hourly, and on an admin's request: walks the whole log and stores what it found, every break
 * named, for /audit (whose own check only covers the rows since).
 */
export const auditVerifyQueue = defineScheduledTask({
  name: 'audit-verify',
  title: 'Verify the whole audit log',
  cron: '41 * * * *',
  retryLimit: 1,
  retryDelay: 60,
  // A million rows take well under a minute (docs/BENCHMARKS.md); room for a busy machine.
  expireInSeconds: 1800,
  async run({ db }) {
    const check = await runFullVerification(db);
    return { ok: check.ok, checked: check.checked, breaks: check.breakCount };
  },
});
