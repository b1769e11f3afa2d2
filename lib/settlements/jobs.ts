import { z } from 'zod';
import { env, type Env } from '@/lib/env';
import { RetryableJobError } from '@/lib/jobs/errors';
import { defineQueue } from '@/lib/jobs/queue';
import { isProviderError } from '@/lib/providers';
import type { ReconcileSettings } from './reconcile';
import { syncSettlements } from './sync';

export function settlementSettings(e: Env = env()): ReconcileSettings {
  return { dueDays: e.SETTLEMENT_DUE_DAYS, feeTolerance: e.SETTLEMENT_FEE_TOLERANCE };
}

/**
 * Fetches Enkash's settlement payouts of the last `days` and reconciles them: daily at 10:30 IST
 * (payouts land in the morning), on demand from /settlements and `npm run settlements:sync`.
 * Idempotent: a re-run stores nothing new and changes no exception. One run at a time.
 */
export const settlementSyncQueue = defineQueue({
  name: 'settlements-sync',
  title: 'Fetch and reconcile Enkash settlement payouts',
  data: z.object({ days: z.number().int().min(1).max(90).optional(), requestedBy: z.string().max(100).optional() }),
  policy: 'singleton',
  retryLimit: 3,
  retryDelay: 60,
  expireInSeconds: 15 * 60,
  cron: '0 5 * * *',
  concurrency: 1,
  async run(data, { db, providers }) {
    const e = env();
    const days = data.days ?? e.SETTLEMENT_SYNC_DAYS;
    const now = new Date();
    try {
      return await syncSettlements(db, providers, {
        since: new Date(now.getTime() - days * 86_400_000),
        now,
        actor: data.requestedBy ?? 'system:settlements-sync',
        settings: settlementSettings(e),
      });
    } catch (err) {
      // Enkash slow or down: a later try can fix that; anything else is a bug to look at.
      if (isProviderError(err) && (err.code === 'provider_timeout' || err.code === 'provider_error')) throw new RetryableJobError(err.message);
      throw err;
    }
  },
});
