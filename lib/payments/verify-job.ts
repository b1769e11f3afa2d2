import { after } from 'next/server';
import { z } from 'zod';
import { env } from '@/lib/env';
import { providersConfig } from '@/lib/providers';
import { isConfigured } from '@/lib/providers/config';
import { sendJob } from '@/lib/jobs/boss';
import { RetryableJobError } from '@/lib/jobs/errors';
import { defineQueue } from '@/lib/jobs/queue';
import { logError, logWarn } from '@/lib/log';
import { verifyTransaction } from './verify';

const VERIFY_CAUSES = ['notification', 'recheck', 'reconcile', 'sweep'] as const;
export type VerifyCause = (typeof VERIFY_CAUSES)[number];

const verifyData = z.object({
  id: z.number().int().positive(),
  cause: z.enum(VERIFY_CAUSES),
  // Who asked, for the audit row of a re-check ("Re-check with provider", a script); none for automatic checks.
  audit: z.object({ actor: z.string(), actorRole: z.string().nullish(), sourceIp: z.string().nullish() }).optional(),
});
export type VerifyJob = z.infer<typeof verifyData>;

/**
 * Trust, then verify, as a durable job: asks the payment's provider and records confirmed /
 * mismatch / error (lib/payments/verify.ts). A provider that cannot be asked (timeout, 5xx,
 * garbage) is retried with backoff (15 s, 30 s, 1 min, 2 min, 4 min) and then lands in the
 * failed list on /operations. Running it twice only asks twice: the verdict is the provider's.
 */
export const verifyQueue = defineQueue({
  name: 'payments-verify',
  title: 'Check a payment with its provider',
  data: verifyData,
  // At most one waiting, one retrying and one running per payment: a burst of notifications or
  // clicks for one payment is one check, and a check asked during a run still happens after it.
  policy: 'stately',
  retryLimit: 5,
  retryDelay: 15,
  expireInSeconds: 120,
  concurrency: 4,
  sendOptions: (data) => ({ singletonKey: `payment:${data.id}` }),
  async run(data, { db, providers }) {
    const result = await verifyTransaction(db, providers, { id: data.id, audit: data.audit ?? undefined });
    if (!result) return { id: data.id, verification: 'gone' };
    if (result.verification === 'error') throw new RetryableJobError(result.detail ?? 'The provider could not be asked.');
    if (result.verification === 'mismatch') logWarn(`[verify] payment ${data.id}: ${result.detail}`);
    return { id: data.id, verification: result.verification, status: result.status, verifiedStatus: result.verifiedStatus };
  },
});

/** Queues a check of one payment; null when one is already waiting for it. */
export function enqueueVerification(job: VerifyJob): Promise<string | null> {
  return sendJob(verifyQueue, job);
}

/**
 * After an accepted notification (inside Next's `after()`, so the provider has its 200 first):
 * never throws. A check lost here (the process stopped in between) is found by the sweeper,
 * which checks every payment not yet confirmed.
 */
export async function enqueueVerificationQuietly(id: number): Promise<void> {
  try {
    await enqueueVerification({ id, cause: 'notification' });
  } catch (err) {
    logError(`[verify] payment ${id}: the check could not be queued (the sweeper will find it):`, err);
  }
}

// Configuration does not change while the process runs: decided once per provider.
const configured = new Map<'enkash' | 'juspay', boolean>();
export const canVerify = (provider: 'enkash' | 'juspay') => {
  if (!configured.has(provider)) configured.set(provider, isConfigured(providersConfig(env())[provider]));
  return configured.get(provider)!;
};

/**
 * A webhook route's `afterAccepted`: once the provider has its 200, queue a check with its status
 * API. Without that provider's credentials there is no one to ask: payments stay 'unconfirmed'.
 */
export function verifyAfterAccepted(provider: 'enkash' | 'juspay') {
  return ({ result }: { result: { transactionRowId: number | null } }) => {
    const id = result.transactionRowId;
    if (id !== null && canVerify(provider)) after(() => enqueueVerificationQuietly(id));
  };
}
