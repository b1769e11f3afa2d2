import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { recordAudit } from './record';
import { verifyAuditChain } from './verify';

describe.each(await testDatabaseKinds())('audit log on $kind', ({ create }) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('chains rows written concurrently into one intact line', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordAudit(t.handle.db, { actor: `user:${i % 3}`, actorRole: 'support', action: 'test.action', target: `T${i}`, outcome: 'ok', details: { i } }),
      ),
    );
    expect(await verifyAuditChain(t.handle.db, 7)).toEqual({ ok: true, checked: 20 });
  });

  it('is written in the caller transaction: a rolled-back change leaves no audit row', async () => {
    const before = await verifyAuditChain(t.handle.db);
    await expect(
      t.handle.db.transaction(async (tx) => {
        await recordAudit(tx, { actor: 'system', action: 'test.rollback', outcome: 'ok' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await verifyAuditChain(t.handle.db)).toEqual(before);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(t.handle.db.execute(sql`UPDATE audit_log SET outcome = 'changed'`)).rejects.toThrow();
    await expect(t.handle.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
    await expect(t.handle.db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
  });

  it('shows tampering done around the trigger', async () => {
    await t.handle.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`);
    await t.handle.db.execute(sql`UPDATE audit_log SET outcome = 'forged' WHERE id = (SELECT min(id) + 3 FROM audit_log)`);
    const check = await verifyAuditChain(t.handle.db);
    expect(check).toMatchObject({ ok: false, reason: expect.stringMatching(/changed/) });
    await t.handle.db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`);
  });
});
