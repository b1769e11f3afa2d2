import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { env } from '@/lib/env';
import { sendJob } from '@/lib/jobs/boss';
import { defineScheduledTask } from '@/lib/jobs/queue';
import { providersConfig } from '@/lib/providers';
import { isConfigured } from '@/lib/providers/config';
import { verifyQueue } from './verify-job';

export interface SweepLimits {
  minAgeMinutes: number;
  lookbackDays: number;
  perProviderPerMinute: number;
}

export function sweepLimits(e = env()): SweepLimits {
  return { minAgeMinutes: e.SWEEP_MIN_AGE_MINUTES, lookbackDays: e.SWEEP_LOOKBACK_DAYS, perProviderPerMinute: e.SWEEP_PER_PROVIDER_PER_MINUTE };
}

/**
 * Payments to check with their provider without waiting for a notification, newest first: not
 * final (the provider may have finished it silently), or final but not yet confirmed (a check lost
 * with a stopped process, or one that failed). Each is due again after a quarter of its age —
 * at least 10 minutes, at most 6 hours — so a backlog of old open payments cannot starve new ones
 * nor be asked about every minute. Served by the partial index `transactions_sweep_idx`.
 */
export async function selectSweepCandidates(db: DbOrTx, provider: string, limits: SweepLimits): Promise<number[]> {
  const rows = await queryRows<{ id: string | number }>(
    db,
    sql`SELECT id FROM transactions
        WHERE provider = ${provider}
          AND (status_family = 'open' OR verification IN ('unconfirmed', 'error'))
          AND txn_at > now() - make_interval(days => ${limits.lookbackDays})
          AND first_seen_at < now() - make_interval(mins => ${limits.minAgeMinutes})
          AND (verified_at IS NULL
               OR verified_at < now() - greatest(interval '10 minutes', least((now() - txn_at) / 4, interval '6 hours')))
        ORDER BY txn_at DESC
        LIMIT ${limits.perProviderPerMinute}`,
  );
  return rows.map((r) => Number(r.id));
}

/** Providers whose status API PayOps can ask with the configuration it has. */
function sweepableProviders(): string[] {
  const config = providersConfig(env());
  return (['enkash', 'juspay'] as const).filter((p) => isConfigured(config[p]));
}

/**
 * Every minute, on one instance at a time: queues a check for each candidate, at most
 * SWEEP_PER_PROVIDER_PER_MINUTE per provider (the provider's status API is not hammered). The
 * checks themselves are `payments-verify` jobs, so they share its retries and its dedup: a payment
 * already waiting for a check is not queued twice. The check records what the provider says and
 * flags `notify_missing` / `stuck` (lib/payments/verify.ts); the status still moves only through
 * notifications.
 */
export const sweepQueue = defineScheduledTask({
  name: 'payments-sweep',
  title: 'Find payments to check with their provider',
  cron: '* * * * *',
  retryDelay: 20,
  expireInSeconds: 300,
  run: ({ db }) => sweep(db, { providers: sweepableProviders(), limits: sweepLimits() }),
});

/** One sweep: queues a check for each candidate of each provider; returns how many were queued. */
export async function sweep(db: DbOrTx, params: { providers: string[]; limits: SweepLimits }): Promise<{ queued: Record<string, number> }> {
  const queued: Record<string, number> = {};
  for (const provider of params.providers) {
    const ids = await selectSweepCandidates(db, provider, params.limits);
    let n = 0;
    // A payment already waiting for a check is not queued twice (the verify queue's policy).
    for (const id of ids) if (await sendJob(verifyQueue, { id, cause: 'sweep' })) n++;
    queued[provider] = n;
  }
  return { queued };
}
