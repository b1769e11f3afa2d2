import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { defineQueue } from '@/lib/jobs/queue';

const BATCH = 200;

/**
 * The audit rows of the system's case transitions (opened, reopened). The triggers that make them
 * run inside the webhook's single ingest statement, where the chained audit log cannot be appended
 * to; so each event waits, marked unaudited, until this takes it: one transaction per batch writes
 * the audit rows and marks the events, so a crash leaves them for the next run, never doubled.
 */
export async function auditSystemCaseEvents(db: Db, limit = BATCH): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await queryRows<{ id: string; case_id: string; action: string; from_state: string | null; to_state: string | null; detail: Record<string, unknown>; at: Date | string; subject_type: string; subject_id: string; kind: string }>(
      tx,
      sql`SELECT e.id, e.case_id, e.action, e.from_state, e.to_state, e.detail, e.at, c.subject_type, c.subject_id, c.kind
            FROM case_events e JOIN cases c ON c.id = e.case_id
           WHERE e.audited_at IS NULL ORDER BY e.id LIMIT ${limit} FOR UPDATE OF e SKIP LOCKED`,
    );
    for (const r of rows) {
      await recordAudit(tx, {
        actor: 'system:cases',
        action: `cases.${r.action}`,
        target: `case:${r.case_id}`,
        outcome: 'ok',
        details: { subject: `${r.subject_type}:${r.subject_id}`, kind: r.kind, from: r.from_state, to: r.to_state, at: new Date(r.at).toISOString(), ...r.detail },
      });
    }
    if (rows.length) await tx.execute(sql`UPDATE case_events SET audited_at = now() WHERE id IN (${sql.join(rows.map((r) => sql`${r.id}::bigint`), sql`, `)})`);
    return rows.length;
  });
}

export const casesAuditQueue = defineQueue({
  name: 'cases-audit',
  title: 'Write the audit rows of cases opened or reopened by the system',
  data: z.object({}),
  policy: 'singleton',
  retryLimit: 2,
  retryDelay: 10,
  expireInSeconds: 120,
  cron: '* * * * *',
  concurrency: 1,
  async run(_data, { db }) {
    let audited = 0;
    for (let batch = 0; batch < 20; batch++) {
      const n = await auditSystemCaseEvents(db);
      audited += n;
      if (n < BATCH) break;
    }
    return { audited };
  },
});
