import { defineScheduledTask } from '@/lib/jobs/queue';
import { pruneSessions } from './sessions';
import { reportThrottled } from './throttle';

/**
 * Every minute: writes the audit summary of sign-in attempts refused while a key was locked
 * (one row per key and lock, with the count), and removes sessions that ended over a day ago.
 */
export const authHousekeepingQueue = defineScheduledTask({
  name: 'auth-housekeeping',
  title: 'Summarise refused sign-ins; remove ended sessions',
  cron: '* * * * *',
  async run({ db }) {
    let summarised = 0;
    for (let batch = 0; batch < 20; batch++) {
      const n = await reportThrottled(db);
      summarised += n;
      if (n < 500) break;
    }
    return { summarised, sessionsRemoved: await pruneSessions(db) };
  },
});
