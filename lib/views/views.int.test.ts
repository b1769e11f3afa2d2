import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, type Role } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { verifyAuditChain } from '@/lib/audit/verify';
import { insertUser } from '@/lib/auth/users';
import { canonicalViewQuery, deleteView, listViews, pinnedViews, saveView, saveViewSchema, setViewPinned, setViewShared, type ViewActor } from './views';

const kinds = await testDatabaseKinds();
let seq = 0;

describe('a view keeps the canonical search', () => {
  it('lifts typed filters, drops page position and empty values, and scrubs card numbers', () => {
    expect(canonicalViewQuery('?q=status%3Afailed+EK1&cursor=abc&limit=20&paymentMode=&sort=newest')).toBe('q=EK1&status=FAILED');
    expect(canonicalViewQuery('q=4111111111111111')).toBe('q=XXXX1111');
    expect(canonicalViewQuery('')).toBe('');
  });

  it('refuses an empty or over-long name and scrubs a card number out of one', () => {
    expect(saveViewSchema.safeParse({ name: '  ', query: '' }).success).toBe(false);
    expect(saveViewSchema.safeParse({ name: 'x'.repeat(61), query: '' }).success).toBe(false);
    const r = saveViewSchema.parse({ name: 'Refunds   for 4111 1111 1111 1111', query: '', shared: 'true' });
    expect(r.name).not.toMatch(/4111 1111 1111 1111/);
    expect(r.shared).toBe(true);
  });
});

describe.each(kinds)('saved views on $kind', ({ create }) => {
  let t: TestDb;
  const user = async (role: Role): Promise<ViewActor> => {
    const u = await insertUser(t.handle.db, { email: `views-${role}-${++seq}@payops.test`, role, password: 'fixture-password-1' });
    return { id: u.id, role: u.role, sourceIp: '198.51.100.7' };
  };
  const lastAudit = async () => (await t.handle.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0];
  const auditCount = async () => (await t.handle.db.select().from(auditLog)).length;
  beforeAll(async () => {
    t = await create();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('keeps a private view unaudited, replaces it by name in any case, and pins it', async () => {
    const me = await user('support');
    const before = await auditCount();
    const first = await saveView(t.handle.db, me, { name: 'Failed UPI', query: 'status=FAILED&paymentMode=UPI', shared: false, pinned: true });
    expect(first).toMatchObject({ ok: true, view: { name: 'Failed UPI', query: 'status=FAILED&paymentMode=UPI', shared: false } });
    const again = await saveView(t.handle.db, me, { name: 'failed upi', query: 'status=FAILED', shared: false, pinned: false });
    expect(again).toMatchObject({ ok: true, view: { name: 'failed upi', query: 'status=FAILED' }, message: expect.stringMatching(/^Updated/) });
    expect(await auditCount()).toBe(before);
    expect(await pinnedViews(t.handle.db, me.id)).toEqual([{ id: first.ok && first.view.id, name: 'failed upi', query: 'status=FAILED' }]);
  });

  it('audits sharing, shows shared views to others, and lets them pin but not change them', async () => {
    const owner = await user('finance');
    const other = await user('support');
    const saved = await saveView(t.handle.db, owner, { name: 'Big refunds', query: 'status=REFUNDED&minAmount=50000', shared: false, pinned: false });
    if (!saved.ok) throw new Error(saved.message);
    expect((await listViews(t.handle.db, other.id)).map((v) => v.id)).not.toContain(saved.view.id);

    expect(await setViewShared(t.handle.db, owner, { viewId: saved.view.id, shared: true })).toMatchObject({ ok: true });
    expect(await lastAudit()).toMatchObject({
      actor: `user:${owner.id}`,
      action: 'views.share',
      target: `view:${saved.view.id}`,
      outcome: 'ok',
      details: { name: 'Big refunds', query: 'status=REFUNDED&minAmount=50000' },
    });
    const seen = (await listViews(t.handle.db, other.id)).find((v) => v.id === saved.view.id);
    expect(seen).toMatchObject({ mine: false, shared: true, pinned: false });

    expect(await setViewPinned(t.handle.db, other, { viewId: saved.view.id, pinned: true })).toMatchObject({ ok: true });
    expect((await pinnedViews(t.handle.db, other.id)).map((v) => v.id)).toContain(saved.view.id);
    expect(await setViewShared(t.handle.db, other, { viewId: saved.view.id, shared: false })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await deleteView(t.handle.db, other, { viewId: saved.view.id })).toMatchObject({ ok: false, code: 'forbidden' });

    // Made private again: it leaves the other person's list and navigation.
    expect(await setViewShared(t.handle.db, owner, { viewId: saved.view.id, shared: false })).toMatchObject({ ok: true });
    expect((await lastAudit()).action).toBe('views.unshare');
    expect((await pinnedViews(t.handle.db, other.id)).map((v) => v.id)).not.toContain(saved.view.id);
    expect(await setViewPinned(t.handle.db, other, { viewId: saved.view.id, pinned: true })).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('lets an admin delete a view someone shared, audited', async () => {
    const owner = await user('support');
    const admin = await user('admin');
    const saved = await saveView(t.handle.db, owner, { name: 'Team view', query: 'flagged=1', shared: true, pinned: false });
    if (!saved.ok) throw new Error(saved.message);
    expect((await lastAudit()).action).toBe('views.share');
    expect(await deleteView(t.handle.db, admin, { viewId: saved.view.id })).toMatchObject({ ok: true });
    expect(await lastAudit()).toMatchObject({ action: 'views.delete', actor: `user:${admin.id}`, details: { ownerId: owner.id } });
    expect(await verifyAuditChain(t.handle.db)).toMatchObject({ ok: true });
  });
});
