import { alertDeliverQueue, alertEvaluateQueue } from '@/lib/alerts/jobs';
import { auditAnchorQueue, auditCheckpointQueue, auditVerifyQueue } from '@/lib/audit/jobs';
import { authHousekeepingQueue } from '@/lib/auth/jobs';
import { casesAuditQueue } from '@/lib/cases/audit-job';
import { otpSweepQueue } from '@/lib/otp/sweep';
import { sweepQueue } from '@/lib/payments/sweep';
import { verifyQueue } from '@/lib/payments/verify-job';
import { refundCheckQueue, refundSendQueue, refundTrackTask } from '@/lib/refunds/jobs';
import { retentionQueue } from '@/lib/retention/prune';
import { settlementSyncQueue } from '@/lib/settlements/jobs';
import type { QueueDef } from './queue';

/** Every queue PayOps runs. A new background task: define its queue beside its noun, list it here. */
export const ALL_QUEUES: readonly QueueDef<any>[] = [
  verifyQueue,
  sweepQueue,
  alertEvaluateQueue,
  alertDeliverQueue,
  otpSweepQueue,
  retentionQueue,
  auditCheckpointQueue,
  auditAnchorQueue,
  auditVerifyQueue,
  authHousekeepingQueue,
  casesAuditQueue,
  settlementSyncQueue,
  refundSendQueue,
  refundCheckQueue,
  refundTrackTask,
];

export function queueByName(name: string): QueueDef<any> | undefined {
  return ALL_QUEUES.find((q) => q.name === name);
}
