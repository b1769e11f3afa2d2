import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { insertUser } from '@/lib/auth/users';
import { listAuditFacets, parseAuditSearch, searchAudit, type AuditSearch } from './queries';
import { recordAudit } from './record';
import { verifyAuditChain } from './verify';

describe.each(await testDatabaseKinds())('audit queries on $kind', ({ create }) => {
  let t: TestDb;
  const ids: Record<string, number> = {};
  let alice: string;

  beforeAll(async () => {
    t = await create();
    const db = t.handle.db;
    const a = await insertUser(db, { email: 'alice@payops.test', name: 'Alice', role: 'admin', password: 'a-long-password-1' });
    alice = `user:${a.id}`;
    // [name, IST wall time, actor, action, outcome]: around the IST midnights of 7 and 8 Feb.
    const seed: [string, string, string, string, string][] = [
      ['r1', '2025-02-06T23:00:00+05:30', alice, 'auth.sign_in', 'ok'],
      ['r2', '2025-02-07T00:10:00+05:30', 'anonymous', 'auth.sign_in', 'failed'],
      ['r3', '2025-02-07T12:00:00+05:30', alice, 'users.create', 'ok'],
      ['r4', '2025-02-07T23:59:59+05:30', alice, 'users.role_change', 'refused'],
      ['r5', '2025-02-08T00:00:00+05:30', 'cli', 'users.create', 'ok'],
      ['r6', '2025-02-08T10:00:00+05:30', 'user:999', 'otp.resend', 'ok'],
    ];
    // recordAudit stamps `at` itself; a fake clock puts each row on its day, chain intact.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (const [name, at, actor, action, outcome] of seed) {
        vi.setSystemTime(new Date(at));
        ids[name] = (await recordAudit(db, { actor, action, outcome, target: name, details: { name } })).id;
      }
    } finally {
      vi.useRealTimers();
    }
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const names = (rows: { target: string | null }[]) => rows.map((r) => r.target);
  async function all(search: AuditSearch, limit = 50, securityRows = true) {
    const seen: { target: string | null }[] = [];
    let cursor: number | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await searchAudit(t.handle.db, { ...search, cursor, limit, securityRows });
      seen.push(...page.rows);
      if (page.nextCursor === null) return names(seen);
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end');
  }

  it('lists newest first and walks keyset pages on id', async () => {
    expect(await all({})).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
    expect(await all({}, 4)).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
    const first = await searchAudit(t.handle.db, { limit: 2, securityRows: true });
    expect(first.nextCursor).toBe(ids.r5);
    expect(names((await searchAudit(t.handle.db, { cursor: ids.r3, securityRows: true })).rows)).toEqual(['r2', 'r1']);
  });

  it('filters by action and by outcome', async () => {
    expect(await all({ action: 'users.create' }, 1)).toEqual(['r5', 'r3']);
    expect(await all({ outcome: 'ok' }, 2)).toEqual(['r6', 'r5', 'r3', 'r1']);
    expect(await all({ action: 'auth.sign_in', outcome: 'failed' })).toEqual(['r2']);
    expect(await all({ action: 'nothing.like.this' })).toEqual([]);
  });

  it('filters by actor: the raw actor, or a staff email meaning that user', async () => {
    expect(await all({ actor: alice })).toEqual(['r4', 'r3', 'r1']);
    expect(await all({ actor: 'ALICE@payops.test' }, 2)).toEqual(['r4', 'r3', 'r1']);
    expect(await all({ actor: 'cli' })).toEqual(['r5']);
    expect(await all({ actor: 'nobody@payops.test' })).toEqual([]);
  });

  it('filters by a fragment of an email, a name or the actor, in any case', async () => {
    expect(await all({ actor: 'ali' })).toEqual(['r4', 'r3', 'r1']);
    expect(await all({ actor: 'PAYOPS.test' })).toEqual(['r4', 'r3', 'r1']);
    expect(await all({ actor: 'Alic' })).toEqual(['r4', 'r3', 'r1']);
    expect(await all({ actor: 'cl' })).toEqual(['r5']);
    expect(await all({ actor: 'user:99' })).toEqual(['r6']);
    expect(await all({ actor: 'anon' })).toEqual(['r2']);
    expect(await all({ actor: '%' })).toEqual([]);
  });

  it('filters by IST days, both ends included, at the IST midnights', async () => {
    expect(await all({ from: '2025-02-07', to: '2025-02-07' })).toEqual(['r4', 'r3', 'r2']);
    expect(await all({ from: '2025-02-08' })).toEqual(['r6', 'r5']);
    expect(await all({ to: '2025-02-06' })).toEqual(['r1']);
    expect(await all({ from: '2025-02-07', to: '2025-02-07', actor: alice }, 1)).toEqual(['r4', 'r3']);
  });

  it("names a user actor by email and keeps the row's details", async () => {
    const { rows } = await searchAudit(t.handle.db, { securityRows: true });
    const byName = Object.fromEntries(rows.map((r) => [r.target, r]));
    expect(byName.r1).toMatchObject({ actor: alice, actorEmail: 'alice@payops.test', details: { name: 'r1' } });
    expect(byName.r6).toMatchObject({ actor: 'user:999', actorEmail: null });
    expect(byName.r5).toMatchObject({ actor: 'cli', actorEmail: null });
  });

  it('lists the actions and outcomes present, for the filter', async () => {
    expect(await listAuditFacets(t.handle.db, { securityRows: true })).toEqual({
      actions: ['auth.sign_in', 'otp.resend', 'users.create', 'users.role_change'],
      outcomes: ['failed', 'ok', 'refused'],
    });
  });

  it('keeps failed sign-ins (whatever was typed, at times a password) from those without audit.read_security', async () => {
    expect(await all({}, 4, false)).toEqual(['r6', 'r5', 'r4', 'r3', 'r1']);
    expect(await all({ action: 'auth.sign_in' }, 50, false)).toEqual(['r1']);
    expect(await all({ actor: 'anon' }, 50, false)).toEqual([]);
    expect(await all({ outcome: 'failed' }, 50, false)).toEqual([]);
    // The filter's choices do not name what is hidden either.
    expect(await listAuditFacets(t.handle.db, { securityRows: false })).toEqual({
      actions: ['auth.sign_in', 'otp.resend', 'users.create', 'users.role_change'],
      outcomes: ['ok', 'refused'],
    });
  });

  it('left the chain intact while writing under a fake clock', async () => {
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true, checked: 6 });
  });
});

describe('parseAuditSearch', () => {
  it('keeps valid filters and drops empty ones', () => {
    expect(parseAuditSearch({ action: ' users.create ', actor: '', from: '2025-02-07', cursor: '10' })).toEqual({
      search: { action: 'users.create', from: '2025-02-07', cursor: 10 },
      invalid: false,
    });
  });

  it('falls back to the whole log on a bad parameter', () => {
    expect(parseAuditSearch({ from: '2025-02-30' })).toEqual({ search: {}, invalid: true });
    expect(parseAuditSearch({ to: 'yesterday', action: 'x' })).toEqual({ search: {}, invalid: true });
    expect(parseAuditSearch({ cursor: 'abc' })).toEqual({ search: {}, invalid: true });
  });
});
