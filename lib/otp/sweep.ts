import { getDb, type Db } from '@/db/client';
import { isDatabaseUnavailable } from '@/lib/errors';
import { closeStaleAttempts } from './ledger';

export const OTP_SWEEP_INTERVAL_MS = 30_000;

/**
 * Started once per server (lib/boot.ts): every `intervalMs`, and once at start, closes OTP
 * attempts left waiting by a crash (closeStaleAttempts). Until background work moves to a job
 * queue this is an in-process timer; that is safe because the close is idempotent SQL and each
 * instance runs its own, and nothing is lost if one stops: the next run, or the next look at the
 * payment, closes what is left. Returns a function that stops it.
 */
export function startOtpSweep(options: { db?: () => Promise<Db>; intervalMs?: number; olderThanMs?: number } = {}): () => void {
  const db = options.db ?? getDb;
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      // In batches, so one run after a long outage never holds a huge transaction.
      for (let batch = 0; batch < 20; batch++) {
        const closed = await closeStaleAttempts(await db(), { olderThanMs: options.olderThanMs, limit: 500 });
        if (closed.length) console.warn(`[otp] closed ${closed.length} attempt(s) left without an outcome as outcome_unknown: ${closed.map((a) => a.id).join(', ')}`);
        if (closed.length < 500) break;
      }
    } catch (err) {
      if (isDatabaseUnavailable(err)) console.warn('[otp] sweep of waiting attempts skipped: the database is unavailable');
      // The name and code only: a driver message can quote a statement's values (here, a reason).
      else console.error(`[otp] sweep of waiting attempts failed: ${errorName(err)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), options.intervalMs ?? OTP_SWEEP_INTERVAL_MS);
  // Never what keeps the process alive.
  timer.unref();
  void sweep();
  return () => clearInterval(timer);
}

function errorName(err: unknown): string {
  const e = err as { name?: unknown; code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return `${typeof e?.name === 'string' ? e.name : 'error'}${typeof code === 'string' ? ` (${code})` : ''}`;
}
