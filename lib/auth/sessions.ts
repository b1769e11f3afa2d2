import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { staffSessions, users, type StaffSession, type User } from '@/db/schema';
import { scrubbedOrNull } from '@/lib/text';
import { ABSOLUTE_SECONDS } from './session-token';

/**
 * Server-side staff sessions. The cookie's JWT carries a random session id; this table decides
 * whether that session still counts. Sign-out, "sign out everywhere", a password change or
 * reset, a role change, disabling the account and a second-factor reset revoke rows here, and
 * the per-request user read (`lib/auth/guards.ts`) sees it at once — a copied cookie stops working.
 */

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('base64url');

/** How often `last_seen_at` is written: at most once a minute per session, not on every request. */
const SEEN_EVERY_SECONDS = 60;

export async function createSession(db: DbOrTx, input: { userId: number; ip: string | null; userAgent: string | null }): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.insert(staffSessions).values({
    idHash: hashSessionId(id),
    userId: input.userId,
    expiresAt: sql`now() + make_interval(secs => ${ABSOLUTE_SECONDS})`,
    ip: scrubbedOrNull(input.ip?.slice(0, 64)),
    // A user agent is free text a client chose: scrubbed (after cutting, as the deliveries do).
    userAgent: scrubbedOrNull(input.userAgent?.slice(0, 300)),
  });
  return id;
}

export interface LiveSession {
  session: StaffSession;
  user: User;
}

/** The session and its user when the session still counts (not revoked, not expired, user active). */
export async function readSession(db: DbOrTx, id: string): Promise<LiveSession | null> {
  const idHash = hashSessionId(id);
  const [row] = await db
    .select({ session: staffSessions, user: users })
    .from(staffSessions)
    .innerJoin(users, eq(users.id, staffSessions.userId))
    .where(and(eq(staffSessions.idHash, idHash), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, sql`now()`)))
    .limit(1);
  if (!row || !row.user.active) return null;
  if (Date.now() - row.session.lastSeenAt.getTime() > SEEN_EVERY_SECONDS * 1000) {
    await db.update(staffSessions).set({ lastSeenAt: new Date() }).where(eq(staffSessions.idHash, idHash));
  }
  return row;
}

/** The second factor was checked on this session just now: it counts as signed in, and stepped up. */
export async function markSecondFactor(db: DbOrTx, id: string): Promise<void> {
  await db
    .update(staffSessions)
    .set({ secondFactorAt: sql`now()`, stepUpAt: sql`now()` })
    .where(eq(staffSessions.idHash, hashSessionId(id)));
}

export async function markStepUp(db: DbOrTx, id: string): Promise<void> {
  await db.update(staffSessions).set({ stepUpAt: sql`now()` }).where(eq(staffSessions.idHash, hashSessionId(id)));
}

export async function revokeSession(db: DbOrTx, id: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(staffSessions.idHash, hashSessionId(id)), isNull(staffSessions.revokedAt)))
    .returning({ idHash: staffSessions.idHash });
  return rows.length > 0;
}

/** Revokes one session of a user by its stored hash (the sessions list names sessions by hash). */
export async function revokeSessionByHash(db: DbOrTx, userId: number, idHash: string, reason: string): Promise<boolean> {
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(and(eq(staffSessions.idHash, idHash), eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt)))
    .returning({ idHash: staffSessions.idHash });
  return rows.length > 0;
}

/** Revokes every live session of a user, except (optionally) the one making the change. */
export async function revokeUserSessions(db: DbOrTx, userId: number, reason: string, options: { except?: string } = {}): Promise<number> {
  const rows = await db
    .update(staffSessions)
    .set({ revokedAt: sql`now()`, revokedReason: reason })
    .where(
      and(
        eq(staffSessions.userId, userId),
        isNull(staffSessions.revokedAt),
        gt(staffSessions.expiresAt, sql`now()`),
        options.except ? ne(staffSessions.idHash, hashSessionId(options.except)) : undefined,
      ),
    )
    .returning({ idHash: staffSessions.idHash });
  return rows.length;
}

/** A user's sessions that still count, newest first (for "your sessions"). */
export async function listLiveSessions(db: DbOrTx, userId: number): Promise<StaffSession[]> {
  return db
    .select()
    .from(staffSessions)
    .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt), gt(staffSessions.expiresAt, sql`now()`)))
    .orderBy(desc(staffSessions.lastSeenAt))
    .limit(50);
}

/** Expired and revoked sessions past a day are of no use; the audit log keeps the sign-ins. */
export async function pruneSessions(db: DbOrTx): Promise<number> {
  const rows = await db
    .delete(staffSessions)
    .where(sql`${staffSessions.expiresAt} < now() - interval '1 day' OR ${staffSessions.revokedAt} < now() - interval '1 day'`)
    .returning({ idHash: staffSessions.idHash });
  return rows.length;
}
