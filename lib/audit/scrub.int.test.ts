// The audit log is insert-only: whatever reaches it stays for good. recordAudit is the one place
// every row passes, so it is where card numbers are cut and NUL bytes made storable.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { exportFilters } from '@/lib/finance/export';
import { searchFromParams } from '@/lib/payments/search-params';
import { recordAudit } from './record';
import { verifyAuditChain } from './verify';

describe.each(await testDatabaseKinds())('audit rows are scrubbed on $kind', ({ create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const lastRow = async () => (await queryRows<Record<string, any>>(t.handle.db, sql`SELECT * FROM audit_log ORDER BY id DESC LIMIT 1`))[0];

  it('cuts card numbers from every string of an entry and stores NUL and lone surrogates replaced, never a 500', async () => {
    await recordAudit(t.handle.db, {
      actor: 'user:1',
      actorRole: 'support',
      action: 'test.scrub',
      target: 'name\u0000with NUL 4111 1111 1111 1111',
      sourceIp: '5555-5555-5555-4444',
      outcome: 'ok',
      details: {
        reason: 'customer read out 4111\u00a01111\u00a01111\u00a01111',
        '4242424242424242': 'a key',
        nested: { list: ['x\u0000y', '\ud800', 4111111111111111, { n: '4.111111111111111e15' }] },
        attemptId: 12,
        epochId: '1738916997657',
      },
    });
    const row = await lastRow();
    expect(row).toMatchObject({ target: 'name\uFFFDwith NUL XXXX1111', source_ip: 'XXXX4444' });
    expect(row.details).toEqual({
      reason: 'customer read out XXXX1111',
      XXXX4242: 'a key',
      nested: { list: ['x\uFFFDy', '\uFFFD', 'XXXX1111', { n: 'XXXX1111' }] },
      attemptId: 12,
      epochId: '1738916997657',
    });
    // The hash is of what was stored, so the chain still verifies.
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true });
  });

  it("keeps no card number from a CSV export's search term", async () => {
    const search = searchFromParams(new URLSearchParams({ q: 'pan 4111 1111 1111 1111', status: 'SUCCESS' }));
    if (!search.success) throw search.error;
    await recordAudit(t.handle.db, { actor: 'user:2', actorRole: 'finance', action: 'payments.export', target: 'payments', outcome: 'ok', details: { filters: exportFilters(search.data) } });
    const row = await lastRow();
    expect(row.details.filters).toMatchObject({ q: 'pan XXXX1111', status: 'SUCCESS' });
    expect(JSON.stringify(row)).not.toContain('4111 1111 1111 1111');
  });
});
