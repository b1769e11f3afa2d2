import { z } from 'zod';
import { env } from '@/lib/env';
import { sendJob } from '@/lib/jobs/boss';
import { defineQueue, defineScheduledTask } from '@/lib/jobs/queue';
import { alertConfigFromEnv, alertWebhookFromEnv } from './config';
import { deliverAlert } from './deliver';
import { evaluateAlerts, undeliveredTransitions, type AlertTransition } from './rules';

const transition = z.object({ alertId: z.number().int().positive(), transition: z.enum(['opened', 'resolved']) });

/**
 * Posts one alert message (opened or resolved) to ALERT_WEBHOOK_URL, signed. A network error,
 * timeout, 5xx or 429 is retried with backoff (30 s doubling, about an hour in all); a 4xx is not.
 * A message already delivered is not posted again (deliverAlert records each transition once).
 */
export const alertDeliverQueue = defineQueue({
  name: 'alerts-deliver',
  title: 'Post an alert to the alert webhook',
  data: transition,
  policy: 'stately',
  retryLimit: 7,
  retryDelay: 30,
  expireInSeconds: 120,
  concurrency: 2,
  sendOptions: (t) => ({ singletonKey: `${t.alertId}-${t.transition}` }),
  run: async (data, { db }) => deliverAlert(db, data, alertWebhookFromEnv(env())),
});

/**
 * Every minute, on one instance at a time: evaluates every alert rule (opening, updating and
 * resolving alerts — idempotent), queues a message for each opening and resolution, and queues
 * again any message that was never attempted (its job lost with a stopped process).
 */
export const alertEvaluateQueue = defineScheduledTask({
  name: 'alerts-evaluate',
  title: 'Evaluate the alert rules',
  cron: '* * * * *',
  retryLimit: 1,
  async run({ db }) {
    const now = new Date();
    const transitions = await evaluateAlerts(db, { now, config: alertConfigFromEnv(env()) });
    const stranded = await undeliveredTransitions(db, { olderThan: new Date(now.getTime() - 2 * 60_000) });
    const queue = async (t: AlertTransition) => sendJob(alertDeliverQueue, { alertId: t.alertId, transition: t.transition });
    for (const t of [...transitions, ...stranded]) await queue(t);
    return { opened: transitions.filter((t) => t.transition === 'opened').length, resolved: transitions.filter((t) => t.transition === 'resolved').length, requeued: stranded.length };
  },
});
