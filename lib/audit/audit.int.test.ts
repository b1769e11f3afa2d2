import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Db } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { auditCheckpoints, auditLog } from '@/db/schema';
import { migrateUpTo, testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditHash, auditMac, auditSignature } from './chain';
import { writeAuditCheckpoint } from './checkpoint';
import { auditKey } from './key';
import { recordAudit } from './record';
import { checkAuditIncrement, runFullVerification } from './verification';
import { verifyAuditChain } from './verify';

/** What only the owner can do, around the insert-only triggers (as an attacker with the owner's role would). */
async function asOwnerAroundTriggers(db: Db, statement: ReturnType<typeof sql>) {
  await db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
  try {
    await db.execute(statement);
  } finally {
    await db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
  }
}

async function write(db: Db, n: number, label = 'row'): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await recordAudit(db, { actor: 'user:1', action: 'test.action', target: `${label}-${i}`, outcome: 'ok', details: { i } })).id);
  return ids;
}

const kinds = (breaks: { id: number; kind: string }[]) => breaks.map((b) => `${b.kind}@${b.id}`);

describe.each(await testDatabaseKinds())('audit chain on $kind', ({ create }) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await create();
    db = t.handle.db;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('chains rows written concurrently into one keyed line', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordAudit(db, { actor: `user:${i % 3}`, actorRole: 'support', action: 'test.action', target: `T${i}`, outcome: 'ok', details: { i } }),
      ),
    );
    expect(await verifyAuditChain(db, { batchSize: 7 })).toMatchObject({ ok: true, checked: 20, keyed: 20, breakCount: 0, complete: true });
    const rows = await db.select().from(auditLog).orderBy(auditLog.id);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(rows[0]).toMatchObject({ prevMac: null, hash: null, prevHash: null });
    for (let i = 1; i < rows.length; i++) expect(rows[i].prevMac).toBe(rows[i - 1].mac);
    // Keyed: the MAC is not the unkeyed hash anyone could recompute.
    expect(rows[0].mac).toBe(auditMac(auditKey(), null, 1, rows[0]));
    expect(rows[0].mac).not.toBe(auditMac('another key', null, 1, rows[0]));
  });

  it('is written in the caller transaction: a rolled-back change leaves no audit row and no gap in the numbers', async () => {
    const before = await verifyAuditChain(db);
    await expect(
      db.transaction(async (tx) => {
        await recordAudit(tx, { actor: 'system', action: 'test.rollback', outcome: 'ok' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await write(db, 1, 'after-rollback');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: before.checked + 1 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the log and its checkpoints in the database itself', async () => {
    await writeAuditCheckpoint(db);
    for (const table of ['audit_log', 'audit_checkpoints']) {
      await expect(db.execute(sql.raw(`UPDATE ${table} SET id = id`))).rejects.toThrow();
      await expect(db.execute(sql.raw(`DELETE FROM ${table}`))).rejects.toThrow();
      await expect(db.execute(sql.raw(`TRUNCATE ${table}`))).rejects.toThrow();
    }
  });

  it('refuses an unkeyed row from now on (an old instance during an upgrade)', async () => {
    await expect(db.execute(sql`INSERT INTO audit_log (actor, action, outcome, hash) VALUES ('x', 'y', 'ok', 'h')`)).rejects.toThrow();
  });

  it('with the wrong key, every keyed row fails, and nothing crashes', async () => {
    const check = await verifyAuditChain(db, { key: 'not-the-key' });
    expect(check.ok).toBe(false);
    expect(check.keyed).toBeGreaterThan(20);
    expect(check.macFailures).toBe(check.keyed);
    // Every row is a content break; the checkpoint, signed with the real key, is one more.
    expect(check.breaks.filter((b) => b.kind === 'content_changed')).toHaveLength(check.keyed);
    expect(check.breaks.some((b) => b.kind === 'checkpoint_mismatch' && /signature/.test(b.detail))).toBe(true);
    expect((await checkAuditIncrement(db, { key: 'not-the-key' })).wrongKey).toBe(true);
  });

  it('goes on past every break and names each: changed rows, a deleted row, a rewritten link', async () => {
    const ids = await write(db, 10, 'tamper');
    await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET outcome = 'forged' WHERE id IN (${ids[2]}, ${ids[7]})`);
    await asOwnerAroundTriggers(db, sql`DELETE FROM audit_log WHERE id = ${ids[4]}`);
    await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET prev_mac = 'f00' WHERE id = ${ids[9]}`);
    const check = await verifyAuditChain(db, { batchSize: 3 });
    expect(check.ok).toBe(false);
    expect(kinds(check.breaks)).toEqual([`content_changed@${ids[2]}`, `row_missing@${ids[5]}`, `content_changed@${ids[7]}`, `content_changed@${ids[9]}`, `link_broken@${ids[9]}`]);
    expect(check.breaks.find((b) => b.kind === 'row_missing')?.detail).toMatch(/the row before it is missing/);
    expect(check.breakCount).toBe(5);
  });
});

describe.each(await testDatabaseKinds())('audit checkpoints and verification on $kind', ({ create }) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await create();
    db = t.handle.db;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('writes a signed checkpoint of the head, into the log and beside it, once per change', async () => {
    const ids = await write(db, 5);
    const cp = await writeAuditCheckpoint(db);
    expect(cp).toMatchObject({ headId: ids[4], headSeq: 5 });
    const [head] = await db.select().from(auditLog).where(sql`id = ${ids[4]}`);
    expect(cp!.headMac).toBe(head.mac);
    expect(cp!.signature).toBe(auditSignature(auditKey(), 'checkpoint', { at: cp!.at.toISOString(), headId: ids[4], headSeq: 5, headMac: head.mac }));
    const [row] = await db.select().from(auditLog).where(sql`id = ${cp!.auditRowId}`);
    expect(row).toMatchObject({ action: 'audit.checkpoint', seq: 6, details: { headId: ids[4], headMac: head.mac, rows: 5, signature: cp!.signature } });
    // Nothing new since: no second checkpoint.
    expect(await writeAuditCheckpoint(db)).toBeNull();
    expect(await db.$count(auditCheckpoints)).toBe(1);
  });

  it('the page continues from the last verified row: a view walks only the rows since', async () => {
    await write(db, 20);
    const full = await runFullVerification(db);
    expect(full).toMatchObject({ ok: true, checked: 26 });
    expect(await checkAuditIncrement(db)).toMatchObject({ ok: true, checkedNow: 0, complete: true, through: full.through });
    await write(db, 3);
    const next = await checkAuditIncrement(db);
    expect(next).toMatchObject({ ok: true, checkedNow: 3, complete: true });
    expect(next.through!.seq).toBe(29);
    expect(await checkAuditIncrement(db)).toMatchObject({ checkedNow: 0 });
    // A budget smaller than the rows since: the rest waits for the next view.
    await write(db, 5);
    expect(await checkAuditIncrement(db, { maxRows: 2 })).toMatchObject({ checkedNow: 2, complete: false });
    expect(await checkAuditIncrement(db, { maxRows: 10 })).toMatchObject({ checkedNow: 3, complete: true, ok: true });
  });

  it('an old row changed around the trigger: the view does not re-walk it, the full run names it, and the page then shows it', async () => {
    const [old] = await db.select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.id).offset(2).limit(1);
    await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET target = 'rewritten' WHERE id = ${old.id}`);
    expect(await checkAuditIncrement(db)).toMatchObject({ ok: true, checkedNow: 0 });
    const full = await runFullVerification(db);
    expect(kinds(full.breaks)).toEqual([`content_changed@${old.id}`]);
    const status = await checkAuditIncrement(db);
    expect(status).toMatchObject({ ok: false, breakCount: 1 });
    expect(status.breaks[0]).toMatchObject({ id: old.id, kind: 'content_changed' });
    expect(status.full).toMatchObject({ breakCount: 1, rowsChecked: full.checked });
    await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET target = 'row-2' WHERE id = ${old.id}`);
    expect(await runFullVerification(db)).toMatchObject({ ok: true });
    expect(await checkAuditIncrement(db)).toMatchObject({ ok: true, breakCount: 0 });
  });

  it('deleting the newest rows is caught: the checkpointed head is gone', async () => {
    const ids = await write(db, 4, 'newest');
    const cp = (await writeAuditCheckpoint(db))!;
    expect(cp.headId).toBe(ids[3]);
    await write(db, 2, 'after-checkpoint');
    expect(await checkAuditIncrement(db)).toMatchObject({ ok: true });
    await asOwnerAroundTriggers(db, sql`DELETE FROM audit_log WHERE id >= ${ids[2]}`);

    const page = await checkAuditIncrement(db);
    expect(page.ok).toBe(false);
    expect(kinds(page.breaks)).toContain(`truncated_after_checkpoint@${ids[3]}`);
    expect(page.breaks.find((b) => b.id === ids[3])?.detail).toMatch(new RegExp(`checkpoint #${cp.id} .*newest rows were deleted`));

    const full = await runFullVerification(db);
    expect(kinds(full.breaks)).toContain(`truncated_after_checkpoint@${ids[3]}`);
    // The application goes on appending: the gap stays named.
    await write(db, 3, 'later');
    expect((await verifyAuditChain(db)).breaks.some((b) => b.id === ids[3] && b.kind === 'checkpoint_mismatch')).toBe(true);
    expect((await checkAuditIncrement(db)).ok).toBe(false);
  });

  it('a forged checkpoint and a hand-written clean result are named, not believed', async () => {
    const [head] = await db.select().from(auditLog).orderBy(sql`id DESC`).limit(1);
    await db.insert(auditCheckpoints).values({ at: new Date(), headId: head.id, headSeq: head.seq!, headMac: head.mac!, auditRowId: head.id, signature: 'f'.repeat(64) });
    expect((await verifyAuditChain(db)).breaks.some((b) => b.kind === 'checkpoint_mismatch' && /valid signature/.test(b.detail))).toBe(true);
    await runFullVerification(db);
    await db.execute(sql`UPDATE audit_verification SET break_count = 0, breaks = '[]'::jsonb WHERE scope = 'full'`);
    const status = await checkAuditIncrement(db);
    expect(status.full).toBeNull();
    expect(status.notices.join(' ')).toMatch(/full verification does not carry a valid signature/);
  });
});

describe.each(await testDatabaseKinds())('upgrade from the unkeyed chain on $kind', ({ create }) => {
  let t: TestDb;
  let db: Db;
  const legacy: { id: number; hash: string }[] = [];
  beforeAll(async () => {
    t = await create({ migrate: false });
    db = t.handle.db;
    await migrateUpTo(t, '0013_staff_sessions_second_factor');
    // Three rows written the old way (SHA-256, no key), then the new migrations.
    let prevHash: string | null = null;
    for (let i = 0; i < 3; i++) {
      const row = { at: new Date(Date.UTC(2025, 1, 7, 10, i)), actor: 'cli', actorRole: null, action: 'users.create', target: `old-${i}`, sourceIp: null, outcome: 'ok', details: { i } };
      const hash = auditHash(prevHash, row);
      const [{ id }] = await queryRows<{ id: number }>(
        db,
        sql`INSERT INTO audit_log (at, actor, action, target, outcome, details, prev_hash, hash)
            VALUES (${row.at}, ${row.actor}, ${row.action}, ${row.target}, ${row.outcome}, ${JSON.stringify(row.details)}::jsonb, ${prevHash}, ${hash}) RETURNING id`,
      );
      legacy.push({ id: Number(id), hash });
      prevHash = hash;
    }
    await migrateDb(t.handle, t.url);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps the old rows verifying; the first keyed row links to the last of them', async () => {
    const first = await recordAudit(db, { actor: 'cli', action: 'users.create', target: 'new-0', outcome: 'ok' });
    expect(first).toMatchObject({ seq: 4, prevMac: legacy[2].hash, hash: null });
    await write(db, 2);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 6, keyed: 3 });
    const cp = await writeAuditCheckpoint(db);
    expect(cp).toMatchObject({ headSeq: 6 });
    expect(await runFullVerification(db)).toMatchObject({ ok: true, checked: 7 });
  });

  it('an old row rewritten, its hash recomputed down the unkeyed part: the keyed row after it names the break', async () => {
    await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET target = 'changed' WHERE id = ${legacy[1].id}`);
    expect(kinds((await verifyAuditChain(db)).breaks)).toEqual([`content_changed@${legacy[1].id}`]);
    // Whoever has write access can recompute unkeyed hashes, but not the first keyed row's MAC.
    const rows = await db.select().from(auditLog).where(sql`mac IS NULL`).orderBy(auditLog.id);
    let prev: string | null = null;
    for (const r of rows) {
      const hash = auditHash(prev, r);
      await asOwnerAroundTriggers(db, sql`UPDATE audit_log SET prev_hash = ${prev}, hash = ${hash} WHERE id = ${r.id}`);
      prev = hash;
    }
    const check = await verifyAuditChain(db);
    expect(check.breaks.map((b) => b.kind)).toEqual(['link_broken']);
    expect(check.breaks[0].id).toBeGreaterThan(legacy[2].id);
  });
});
