import { asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDbHandle } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { auditLog, transactions, users, type Role } from '@/db/schema';
import { signedInAs } from '@/lib/auth/testing';
import { insertUser } from '@/lib/auth/users';
import { parseCsv } from '@/lib/csv';
import { enkashStatusInfo } from '@/lib/payments/status';

// The session is the one thing faked: who is signed in. Role and account come from the database.
const session = vi.hoisted(() => ({ current: null as null | { user: { id: string; sessionId: string } } }));
vi.mock('@/lib/auth/config', () => ({ auth: async () => session.current }));
const { GET } = await import('./route');

const get = (query = '') => GET(new Request(`http://payops.test/payments/export${query}`, { headers: { 'x-forwarded-for': '198.51.100.9' } }));
const exportAudit = (db: TestDb['handle']['db']) => db.select().from(auditLog).where(like(auditLog.action, 'payments.export%')).orderBy(asc(auditLog.id));

describe.each(await testDatabaseKinds())('GET /payments/export on $kind', ({ create }) => {
  let t: TestDb;
  const ids: Partial<Record<Role, number>> = {};
  const sessions: Partial<Record<Role, { user: { id: string; sessionId: string } }>> = {};
  const signIn = (role: Role | null) => {
    session.current = role ? sessions[role]! : null;
  };
  beforeAll(async () => {
    t = await create();
    useDbHandle(t.handle);
    for (const role of ['admin', 'finance', 'support'] as const) {
      const user = await insertUser(t.handle.db, { email: `${role}@payops.test`, role, password: 'a long enough password' });
      ids[role] = user.id;
      sessions[role] = (await signedInAs(t.handle.db, user)).session;
    }
    await t.handle.db.insert(transactions).values(
      ['SUCCESS', 'FAILED', 'SUCCESS'].map((status, i) => ({
        provider: 'enkash',
        transactionId: `EKR${i}`,
        status,
        statusRank: enkashStatusInfo(status).rank,
        statusFamily: enkashStatusInfo(status).family,
        finalAmount: `${i}.1000`,
        cardholderName: '=cmd|calc',
        txnAt: new Date(Date.UTC(2025, 1, 7, 8, 30, i)),
      })),
    );
  });
  beforeEach(() => signIn(null));
  afterAll(async () => {
    await t?.cleanup();
  });

  it('answers 401 signed out and 403 to support, exporting and auditing nothing', async () => {
    const signedOut = await get();
    expect(signedOut.status).toBe(401);
    expect((await signedOut.json()).error.code).toBe('unauthorized');
    signIn('support');
    const support = await get();
    expect(support.status).toBe(403);
    expect(support.headers.get('content-type')).not.toContain('text/csv');
    expect(await exportAudit(t.handle.db)).toEqual([]);
  });

  it('answers a browser (support opening a shared export link) with a page in words, not JSON', async () => {
    signIn('support');
    const res = await GET(new Request('http://payops.test/payments/export?status=FAILED&q=', { headers: { accept: 'text/html,application/xhtml+xml' } }));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Your role cannot export payments');
    expect(html).toContain('href="/payments?status=FAILED"');
    signIn('finance');
    const bad = await GET(new Request('http://payops.test/payments/export?from=yesterday', { headers: { accept: 'text/html' } }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('the from in the link is not valid');
    expect(await exportAudit(t.handle.db)).toEqual([]);
  });

  it('needs a second-factor check within the last minutes: a browser is sent to confirm, a script gets 403; nothing exported', async () => {
    const finance = await t.handle.db.select().from(users).where(eq(users.id, ids.finance!));
    const { session: stale } = await signedInAs(t.handle.db, finance[0], { steppedUp: false });
    session.current = stale;
    const script = await get('?status=FAILED');
    expect(script.status).toBe(403);
    expect((await script.json()).error.code).toBe('step_up_required');
    const browser = await GET(new Request('http://payops.test/payments/export?status=FAILED', { headers: { accept: 'text/html' } }));
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/login/step-up?next=%2Fpayments%2Fexport%3Fstatus%3DFAILED');
    expect(await exportAudit(t.handle.db)).toEqual([]);
  });

  it('refuses invalid search parameters with 400 before streaming or auditing', async () => {
    signIn('finance');
    const res = await get('?status=not+a+status&from=yesterday');
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['from', 'status']);
    expect(await exportAudit(t.handle.db)).toEqual([]);
  });

  it('lets finance download the filtered CSV, audited at the start and at the end', async () => {
    signIn('finance');
    const res = await get('?status=success&from=2025-02-07&to=2025-02-07&limit=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="payops-payments-\d{4}-\d{2}-\d{2}T\d{4}IST\.csv"$/);

    const [started] = await exportAudit(t.handle.db);
    expect(started).toMatchObject({
      actor: `user:${ids.finance}`,
      actorRole: 'finance',
      action: 'payments.export',
      target: 'payments',
      sourceIp: '198.51.100.9',
      outcome: 'ok',
      details: { filters: { status: 'SUCCESS', from: '2025-02-07T00:00:00+05:30', to: '2025-02-08T00:00:00+05:30' } },
    });

    const records = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    expect(records.slice(1).map((r) => [r[1], r[12], r[18]])).toEqual([
      ['EKR2', '2.1000', "'=cmd|calc"],
      ['EKR0', '0.1000', "'=cmd|calc"],
    ]);
    const finished = (await exportAudit(t.handle.db)).at(-1);
    expect(finished).toMatchObject({ actor: `user:${ids.finance}`, action: 'payments.export_finished', outcome: 'ok', details: { rows: 2 } });
    expect((finished!.details as { filters: unknown }).filters).toEqual((started.details as { filters: unknown }).filters);
  });

  it('lets admin export everything', async () => {
    signIn('admin');
    const res = await get();
    expect(res.status).toBe(200);
    expect(parseCsv((await res.text()).replace(/^\uFEFF/, ''))).toHaveLength(4);
  });

  it('refuses a request another site made in a signed-in user\'s name (Sec-Fetch-Site), exporting and auditing nothing', async () => {
    signIn('finance');
    const before = await exportAudit(t.handle.db);
    const crossSite = (site: string, accept = '*/*') => GET(new Request('http://payops.test/payments/export?status=FAILED', { headers: { 'sec-fetch-site': site, accept } }));
    for (const site of ['cross-site', 'same-site']) {
      const res = await crossSite(site);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: { code: 'forbidden', message: expect.stringContaining('came from another site') } });
    }
    // A link clicked on another site: a page in words, with the way back to the same search.
    const page = await crossSite('cross-site', 'text/html');
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain('This export was opened from another site');
    expect(html).toContain('href="/payments?status=FAILED"');
    expect(await exportAudit(t.handle.db)).toEqual(before);

    // PayOps' own page, a typed address or bookmark, and a client without Fetch Metadata export.
    for (const site of ['same-origin', 'none', null]) {
      const res = await GET(new Request('http://payops.test/payments/export?status=FAILED', { headers: site ? { 'sec-fetch-site': site } : {} }));
      expect(res.status, String(site)).toBe(200);
      await res.text();
    }
    const started = (await exportAudit(t.handle.db)).slice(before.length).filter((a) => a.action === 'payments.export');
    expect(started).toHaveLength(3);
  });
});
