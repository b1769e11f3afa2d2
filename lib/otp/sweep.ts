import { defineScheduledTask } from '@/lib/jobs/queue';
import { closeStaleAttempts } from './ledger';

/**
 * Every minute: closes OTP attempts left waiting by a crash mid-call (closeStaleAttempts) as
 * `outcome_unknown`. Idempotent SQL, in batches so one run after a long outage never holds a
 * huge transaction; the next look at the payment closes what is left too.
 */
export const otpSweepQueue = defineScheduledTask({
  name: 'otp-close-stale',
  title: 'Close OTP attempts left without an outcome',
  cron: '* * * * *',
  async run({ db }) {
    let closed = 0;
    for (let batch = 0; batch < 20; batch++) {
      const rows = await closeStaleAttempts(db, { limit: 500 });
      closed += rows.length;
      if (rows.length) console.warn(`[otp] closed ${rows.length} attempt(s) left without an outcome as outcome_unknown: ${rows.map((a) => a.id).join(', ')}`);
      if (rows.length < 500) break;
    }
    return { closed };
  },
});
