import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { scrubbedText } from '@/lib/text';

/**
 * Sign-in attempts allowed per window before the key is locked for LOCK_MINUTES. An attempt is
 * a password or a second-factor code; a success takes its own attempt back, so in effect these
 * count failures — but an attempt is counted before anything is checked, so a burst sent at once
 * gets no more tries than the same attempts sent one by one.
 */
export const LIMITS = { email: 5, ip: 30 } as const;
export const WINDOW_MINUTES = 15;
export const LOCK_MINUTES = 15;

// Whatever was typed as the email becomes a stored key: scrubbed like every text PayOps keeps.
export const throttleKeys = (email: string, ip: string | null): string[] => [
  `email:${scrubbedText(email.toLowerCase())}`,
  ...(ip ? [`ip:${scrubbedText(ip)}`] : []),
];

const limitOf = (key: string) => (key.startsWith('ip:') ? LIMITS.ip : LIMITS.email);

export interface Admission {
  admitted: boolean;
  /** Keys whose refusal this attempt was the first of (since the last summary): audit these now. */
  firstRefusals: string[];
}

/**
 * Counts one attempt against every key in ONE statement, before the password or code is looked
 * at. Each key's row is locked by the upsert, so concurrent attempts are counted one after
 * another: the attempt that takes a key over its limit locks it, and while a key is locked an
 * attempt is refused — only counted in `refused`, for the summary written to the audit log
 * (`reportThrottled`) instead of one audit row per refused attempt.
 */
export async function admitAttempt(db: DbOrTx, keys: string[]): Promise<Admission> {
  const limit = sql`CASE WHEN left(t.key, 3) = 'ip:' THEN ${LIMITS.ip}::int ELSE ${LIMITS.email}::int END`;
  const locked = sql`t.locked_until > now()`;
  const stale = sql`t.window_started_at < now() - make_interval(mins => ${WINDOW_MINUTES})`;
  // This attempt is refused: the key is locked, or this attempt takes it over its limit.
  const refuse = sql`(${locked} OR (NOT ${stale} AND t.failures + 1 > ${limit}))`;
  const rows = await queryRows<{ key: string; locked: boolean; refused: number }>(
    db,
    sql`
      INSERT INTO sign_in_throttle AS t (key, failures, window_started_at)
      SELECT key, 1, now() FROM unnest(${sql.param(keys)}::text[]) AS key
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN ${locked} THEN t.failures WHEN ${stale} THEN 1 ELSE t.failures + 1 END,
        window_started_at = CASE WHEN ${locked} OR NOT ${stale} THEN t.window_started_at ELSE now() END,
        locked_until = CASE WHEN ${locked} THEN t.locked_until
                            WHEN ${refuse} THEN now() + make_interval(mins => ${LOCK_MINUTES})
                            ELSE t.locked_until END,
        refused = CASE WHEN ${refuse} THEN t.refused + 1 ELSE t.refused END,
        refused_since = CASE WHEN ${refuse} THEN coalesce(t.refused_since, now()) ELSE t.refused_since END
      RETURNING t.key, coalesce(t.locked_until > now(), false) AS locked, t.refused`,
  );
  const refused = rows.filter((r) => r.locked);
  return {
    admitted: refused.length === 0,
    firstRefusals: refused.filter((r) => Number(r.refused) === 1).map((r) => r.key),
  };
}

/** A success gives back the attempt `admitAttempt` counted for it. */
export async function returnAttempt(db: DbOrTx, keys: string[]): Promise<void> {
  await db.execute(sql`
    UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0)
    WHERE key = ANY(${sql.param(keys)}::text[]) AND (locked_until IS NULL OR locked_until <= now())`);
}

/**
 * Writes one audit row per key whose refusals have stopped (its lock has ended), with how many
 * attempts were refused and over what span, then resets the count. Run every minute by the
 * `auth-throttle-report` job; a flood of refused sign-ins thus costs the audit log two rows per
 * key and lock (the first refusal, written at once, and this summary), not one per attempt.
 */
export async function reportThrottled(db: DbOrTx): Promise<number> {
  return db.transaction(async (tx) => {
    const done = await queryRows<{ key: string; refused: number; refused_since: Date | string; locked_until: Date | string | null }>(
      tx,
      sql`
        WITH due AS (
          SELECT key, refused, refused_since, locked_until FROM sign_in_throttle
          WHERE refused > 0 AND (locked_until IS NULL OR locked_until <= now())
          ORDER BY key LIMIT 500 FOR UPDATE SKIP LOCKED),
        reset AS (
          UPDATE sign_in_throttle t SET refused = 0, refused_since = NULL FROM due WHERE t.key = due.key RETURNING t.key)
        SELECT due.* FROM due JOIN reset USING (key)`,
    );
    for (const row of done) await auditThrottled(tx, row.key, { refused: Number(row.refused), since: row.refused_since, until: row.locked_until });
    return done.length;
  });
}

/** The audit row of refused attempts on one key (`email:…` or `ip:…`); failed rows are admin-only reading. */
export function auditThrottled(db: DbOrTx, key: string, details: Record<string, unknown>) {
  const [kind, ...rest] = key.split(':');
  const value = rest.join(':');
  return recordAudit(db, {
    actor: 'anonymous',
    action: 'auth.sign_in',
    target: kind === 'email' ? value : null,
    sourceIp: kind === 'ip' ? value : null,
    outcome: 'throttled',
    details: { key: kind, ...details },
  });
}
