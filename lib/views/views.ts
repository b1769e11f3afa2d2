import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { savedViewPins, savedViews, users, type Role, type SavedView } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { can } from '@/lib/auth/permissions';
import { parseSearchLenient, searchHref } from '@/lib/payments/search-params';
import { scrubbedText } from '@/lib/text';

export const VIEW_NAME_MAX = 60;
export const VIEWS_PER_USER = 50;

/** Who is changing views: the signed-in user and the address the request came from. */
export interface ViewActor {
  id: number;
  role: Role;
  sourceIp: string | null;
}

/**
 * The /payments query string a view keeps: only the search's own parameters, canonical (the
 * filters typed into the search text lifted out, order as written by searchHref), without a
 * page position or size, and with any card number in the search text cut to its last four.
 */
export function canonicalViewQuery(query: string): string {
  const { kept } = parseSearchLenient(new URLSearchParams(query.replace(/^\?/, '')));
  if (kept.q) kept.q = scrubbedText(kept.q);
  return searchHref('', kept, { cursor: null, limit: null }).replace(/^\?/, '');
}

export const viewNameSchema = z
  .string()
  .trim()
  .min(1, 'give the view a name')
  .max(VIEW_NAME_MAX, `at most ${VIEW_NAME_MAX} characters`)
  // Free text, kept and shown to the team: no card number, nothing Postgres cannot store.
  .transform((v) => scrubbedText(v.replace(/\s+/g, ' ')));

export const saveViewSchema = z.object({
  name: viewNameSchema,
  query: z.string().max(2000, 'that search is too long to keep'),
  shared: z.stringbool().default(false),
  pinned: z.stringbool().default(false),
});
export const viewIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export interface ViewListItem {
  id: number;
  name: string;
  query: string;
  shared: boolean;
  pinned: boolean;
  mine: boolean;
  ownerEmail: string;
}

/** The user's own views and every view shared with the team, with whether this user pinned each. */
export async function listViews(db: DbOrTx, userId: number): Promise<ViewListItem[]> {
  const rows = await db
    .select({
      id: savedViews.id,
      name: savedViews.name,
      query: savedViews.query,
      shared: savedViews.shared,
      ownerId: savedViews.ownerId,
      ownerEmail: users.email,
      pinned: sql<boolean>`${savedViewPins.viewId} IS NOT NULL`,
    })
    .from(savedViews)
    .innerJoin(users, eq(users.id, savedViews.ownerId))
    .leftJoin(savedViewPins, and(eq(savedViewPins.viewId, savedViews.id), eq(savedViewPins.userId, userId)))
    .where(or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true)))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.id));
  return rows.map(({ ownerId, ...r }) => ({ ...r, pinned: !!r.pinned, mine: ownerId === userId }));
}

/** Views this user pinned that they may still see (a view made private again drops out). */
export async function pinnedViews(db: DbOrTx, userId: number): Promise<{ id: number; name: string; query: string }[]> {
  return db
    .select({ id: savedViews.id, name: savedViews.name, query: savedViews.query })
    .from(savedViewPins)
    .innerJoin(savedViews, eq(savedViews.id, savedViewPins.viewId))
    .where(and(eq(savedViewPins.userId, userId), or(eq(savedViews.ownerId, userId), eq(savedViews.shared, true))))
    .orderBy(asc(savedViewPins.pinnedAt), asc(savedViews.id));
}

export type ViewResult = { ok: true; view: SavedView; message: string } | { ok: false; code: 'not_found' | 'forbidden' | 'conflict'; message: string };

type Tx = Parameters<Parameters<DbOrTx['transaction']>[0]>[0];

const audit = (tx: Tx, actor: ViewActor, action: string, view: Pick<SavedView, 'id' | 'name' | 'query'>, details: Record<string, unknown> = {}) =>
  recordAudit(tx, {
    actor: `user:${actor.id}`,
    actorRole: actor.role,
    action,
    target: `view:${view.id}`,
    sourceIp: actor.sourceIp,
    outcome: 'ok',
    details: { name: view.name, query: view.query, ...details },
  });

/**
 * Saves the current search under a name. The same name again (in any case) replaces that view's
 * search. A view the team can see is audited: creating it shared, and changing a shared one.
 */
export async function saveView(db: DbOrTx, actor: ViewActor, input: z.infer<typeof saveViewSchema>): Promise<ViewResult> {
  if (input.shared && !can(actor.role, 'views.share')) return { ok: false, code: 'forbidden', message: 'Your role cannot share views.' };
  const query = canonicalViewQuery(input.query);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(savedViews)
      .where(and(eq(savedViews.ownerId, actor.id), sql`lower(${savedViews.name}) = lower(${input.name})`))
      .for('update');
    let view: SavedView;
    if (existing) {
      [view] = await tx
        .update(savedViews)
        .set({ name: input.name, query, shared: input.shared || existing.shared, updatedAt: new Date() })
        .where(eq(savedViews.id, existing.id))
        .returning();
      if (view.shared) await audit(tx, actor, existing.shared ? 'views.update' : 'views.share', view, { previousQuery: existing.query });
    } else {
      const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(savedViews).where(eq(savedViews.ownerId, actor.id));
      if (n >= VIEWS_PER_USER) return { ok: false, code: 'conflict', message: `You have ${VIEWS_PER_USER} views already; delete one first.` };
      [view] = await tx.insert(savedViews).values({ ownerId: actor.id, name: input.name, query, shared: input.shared }).returning();
      if (view.shared) await audit(tx, actor, 'views.share', view);
    }
    if (input.pinned) await tx.insert(savedViewPins).values({ userId: actor.id, viewId: view.id }).onConflictDoNothing();
    const message = `${existing ? 'Updated' : 'Saved'} “${view.name}”${view.shared ? ', shared with the team' : ''}${input.pinned ? ', pinned to the navigation' : ''}.`;
    return { ok: true, view, message };
  });
}

async function lockView(tx: Tx, viewId: number): Promise<SavedView | undefined> {
  const [view] = await tx.select().from(savedViews).where(eq(savedViews.id, viewId)).for('update');
  return view;
}

const NOT_FOUND = { ok: false as const, code: 'not_found' as const, message: 'That view no longer exists.' };

/** Shares a view with the team or makes it private again: its owner only, audited either way. */
export function setViewShared(db: DbOrTx, actor: ViewActor, input: { viewId: number; shared: boolean }): Promise<ViewResult> {
  return db.transaction(async (tx) => {
    const view = await lockView(tx, input.viewId);
    if (!view || (view.ownerId !== actor.id && !view.shared)) return NOT_FOUND;
    if (view.ownerId !== actor.id) return { ok: false, code: 'forbidden', message: 'Only the person who saved a view can share it or make it private.' };
    if (input.shared && !can(actor.role, 'views.share')) return { ok: false, code: 'forbidden', message: 'Your role cannot share views.' };
    if (view.shared === input.shared) return { ok: true, view, message: 'No change.' };
    const [updated] = await tx.update(savedViews).set({ shared: input.shared, updatedAt: new Date() }).where(eq(savedViews.id, view.id)).returning();
    await audit(tx, actor, input.shared ? 'views.share' : 'views.unshare', updated);
    return { ok: true, view: updated, message: input.shared ? `“${view.name}” is shared with the team.` : `“${view.name}” is private again.` };
  });
}

/** Pins a view (one's own or a shared one) to the navigation, or unpins it. Private to the user. */
export function setViewPinned(db: DbOrTx, actor: ViewActor, input: { viewId: number; pinned: boolean }): Promise<ViewResult> {
  return db.transaction(async (tx) => {
    const [view] = await tx.select().from(savedViews).where(eq(savedViews.id, input.viewId));
    if (!view || (view.ownerId !== actor.id && !view.shared)) return NOT_FOUND;
    if (input.pinned) await tx.insert(savedViewPins).values({ userId: actor.id, viewId: view.id }).onConflictDoNothing();
    else await tx.delete(savedViewPins).where(and(eq(savedViewPins.userId, actor.id), eq(savedViewPins.viewId, view.id)));
    return { ok: true, view, message: input.pinned ? `“${view.name}” is pinned to the navigation.` : `“${view.name}” is no longer pinned.` };
  });
}

/** Deletes a view: its owner, or an admin for a shared one. A shared view's deletion is audited. */
export function deleteView(db: DbOrTx, actor: ViewActor, input: { viewId: number }): Promise<ViewResult> {
  return db.transaction(async (tx) => {
    const view = await lockView(tx, input.viewId);
    if (!view || (view.ownerId !== actor.id && !view.shared)) return NOT_FOUND;
    if (view.ownerId !== actor.id && !can(actor.role, 'views.manage')) {
      return { ok: false, code: 'forbidden', message: 'Only the person who saved this view, or an admin, can delete it.' };
    }
    await tx.delete(savedViews).where(eq(savedViews.id, view.id));
    if (view.shared) await audit(tx, actor, 'views.delete', view, { ownerId: view.ownerId });
    return { ok: true, view, message: `Deleted “${view.name}”.` };
  });
}
