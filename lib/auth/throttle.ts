import { and, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { signInThrottle } from '@/db/schema';
import { scrubbedText } from '@/lib/text';

/** Failed sign-ins allowed per window before the key is locked for LOCK_MINUTES. */
export const LIMITS = { email: 5, ip: 30 } as const;
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

// Whatever was typed as the email becomes a stored key: scrubbed like every text PayOps keeps.
export const throttleKeys = (email: string, ip: string | null) => ({
  email: `email:${scrubbedText(email.toLowerCase())}`,
  ip: ip ? `ip:${scrubbedText(ip)}` : null,
});

/** The latest time any of these keys stays locked until, or null. */
export async function lockedUntil(db: DbOrTx, keys: string[]): Promise<Date | null> {
  const rows = await db
    .select({ until: signInThrottle.lockedUntil })
    .from(signInThrottle)
    .where(and(inArray(signInThrottle.key, keys), gt(signInThrottle.lockedUntil, sql`now()`)));
  const times = rows.map((r) => r.until!.getTime());
  return times.length ? new Date(Math.max(...times)) : null;
}

/** Counts one failure, atomically, and locks the key when it reaches its limit. */
export async function recordFailure(db: DbOrTx, key: string, limit: number): Promise<void> {
  const fresh = sql`${signInThrottle.windowStartedAt} < now() - make_interval(mins => ${WINDOW_MINUTES})`;
  const failures = sql`CASE WHEN ${fresh} THEN 1 ELSE ${signInThrottle.failures} + 1 END`;
  await db
    .insert(signInThrottle)
    .values({ key, failures: 1, lockedUntil: limit <= 1 ? sql`now() + make_interval(mins => ${LOCK_MINUTES})` : null })
    .onConflictDoUpdate({
      target: signInThrottle.key,
      set: {
        failures,
        windowStartedAt: sql`CASE WHEN ${fresh} THEN now() ELSE ${signInThrottle.windowStartedAt} END`,
        lockedUntil: sql`CASE WHEN ${failures} >= ${limit} THEN now() + make_interval(mins => ${LOCK_MINUTES})
                              ELSE ${signInThrottle.lockedUntil} END`,
      },
    });
}

export async function clearFailures(db: DbOrTx, key: string): Promise<void> {
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, [key]));
}
