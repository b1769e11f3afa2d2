import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { handleEnkashNotify } from '@/lib/webhooks/enkash-notify';
import { exampleWith, notifyRequest } from '@/test/enkash';
import { pruneExpired } from './prune';

// Issue 9, section 5: bodies and payloads (personal data) go after the retention period; the
// rows, hashes, outcomes and amounts stay, so counts and the audit trail stay whole.
describe.each(await testDatabaseKinds())('retention on $kind', ({ create }) => {
  let t: TestDb;
  const db = () => t.handle.db;
  const rows = <T = Record<string, any>>(q: ReturnType<typeof sql>) => queryRows<T>(db(), q);
  const post = async (txn: string, status: string) => {
    const res = await handleEnkashNotify(notifyRequest(exampleWith({ transactionId: txn, status }), { key: 's' }), { db: async () => db(), secret: 's' });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    t = await create();
    await post('EKOLD1', 'PENDING_WITH_BANK');
    await post('EKOLD1', 'SUCCESS');
    await post('EKNEW1', 'SUCCESS');
    // A refused delivery keeps its (redacted) body too.
    await handleEnkashNotify(notifyRequest('{"transactionId": "EKOLD2", "cardholderName": "Asha Rao"', { key: 's' }), { db: async () => db(), secret: 's' });
    await db().execute(sql`UPDATE deliveries SET received_at = now() - interval '200 days' WHERE transaction_id = 'EKOLD1' OR transaction_id IS NULL`);
    await db().execute(sql`UPDATE payment_events SET received_at = now() - interval '200 days' WHERE transaction_id = 'EKOLD1'`);
    await db().execute(sql`UPDATE live_events SET at = now() - interval '2 days' WHERE id IN (SELECT id FROM live_events ORDER BY id LIMIT 2)`);
    await db().execute(sql`INSERT INTO otp_rate_windows (key, window_start, count) VALUES ('agent:1', now() - interval '3 hours', 2), ('agent:1', date_trunc('hour', now()), 1)`);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('removes old bodies and payloads, keeps the rows and everything else, and a second run removes nothing', async () => {
    const before = await rows(sql`SELECT id, outcome, http_status, body_sha256, transaction_id FROM deliveries ORDER BY id`);
    const auditBefore = await rows(sql`SELECT count(*)::int AS n FROM audit_log`);
    const report = await pruneExpired(db(), { days: 180 });
    expect(report).toMatchObject({ deliveryBodies: 3, eventPayloads: 2, otpRateWindows: 1, liveEvents: 2 });

    const after = await rows(sql`SELECT id, outcome, http_status, body_sha256, transaction_id, body, body_pruned_at FROM deliveries ORDER BY id`);
    expect(after.map(({ body, body_pruned_at, ...r }) => r)).toEqual(before);
    for (const d of after) {
      if (d.transaction_id === 'EKNEW1') expect(d).toMatchObject({ body: expect.any(String), body_pruned_at: null });
      else expect(d).toMatchObject({ body: null, body_pruned_at: expect.anything() });
    }
    const events = await rows(sql`SELECT transaction_id, status, payload_sha256, payload, payload_pruned_at FROM payment_events ORDER BY id`);
    expect(events.filter((e) => e.payload === null).map((e) => e.transaction_id)).toEqual(['EKOLD1', 'EKOLD1']);
    expect(events.every((e) => e.payload_sha256 && e.status)).toBe(true);
    expect(await rows(sql`SELECT transaction_id, status, final_amount FROM transactions ORDER BY transaction_id`)).toEqual([
      { transaction_id: 'EKNEW1', status: 'SUCCESS', final_amount: '500.0000' },
      { transaction_id: 'EKOLD1', status: 'SUCCESS', final_amount: '500.0000' },
    ]);
    expect(await rows(sql`SELECT count(*)::int AS n FROM audit_log`)).toEqual(auditBefore);
    expect(await rows(sql`SELECT count FROM otp_rate_windows`)).toEqual([{ count: 1 }]);

    expect(await pruneExpired(db(), { days: 180 })).toMatchObject({ deliveryBodies: 0, eventPayloads: 0, otpRateWindows: 0, liveEvents: 0 });
  });
});
