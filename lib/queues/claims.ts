import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import type { CaseSubjectType } from '@/db/schema';

import { CLAIM_TTL_SECONDS } from './claim-timing';

export { CLAIM_RENEW_MS, CLAIM_TTL_SECONDS } from './claim-timing';

export type ClaimResult = { held: true; expiresAt: Date } | { held: false; holderId: number; holderName: string; expiresAt: Date };

/**
 * Takes or renews a claim in one statement: it is written when free, lapsed or already this
 * person's, and otherwise left alone — so of two agents opening the same payment at once exactly one
 * holds it, and the other is told who ("Asha is on this").
 */
export async function claimWork(db: DbOrTx, params: { subjectType: CaseSubjectType; subjectId: number; userId: number; now?: Date }): Promise<ClaimResult> {
  const now = (params.now ?? new Date()).toISOString();
  const [mine] = await queryRows<{ expires_at: Date | string }>(
    db,
    sql`INSERT INTO work_claims AS w (subject_type, subject_id, user_id, claimed_at, expires_at)
        VALUES (${params.subjectType}, ${params.subjectId}, ${params.userId}, ${now}::timestamptz, ${now}::timestamptz + ${CLAIM_TTL_SECONDS}::int * interval '1 second')
        ON CONFLICT (subject_type, subject_id) DO UPDATE
          SET user_id = excluded.user_id, expires_at = excluded.expires_at,
              claimed_at = CASE WHEN w.user_id = excluded.user_id AND w.expires_at > excluded.claimed_at THEN w.claimed_at ELSE excluded.claimed_at END
          WHERE w.user_id = excluded.user_id OR w.expires_at <= excluded.claimed_at
        RETURNING expires_at`,
  );
  if (mine) return { held: true, expiresAt: new Date(mine.expires_at) };
  const [other] = await queryRows<{ user_id: string; name: string; expires_at: Date | string }>(
    db,
    sql`SELECT w.user_id, coalesce(u.name, u.email) AS name, w.expires_at FROM work_claims w LEFT JOIN users u ON u.id = w.user_id
         WHERE w.subject_type = ${params.subjectType} AND w.subject_id = ${params.subjectId}`,
  );
  return { held: false, holderId: Number(other.user_id), holderName: other.name ?? 'Someone', expiresAt: new Date(other.expires_at) };
}

/** Lets go of a claim this person holds (leaving the page); someone else's is untouched. */
export async function releaseWork(db: DbOrTx, params: { subjectType: CaseSubjectType; subjectId: number; userId: number }): Promise<void> {
  await db.execute(sql`DELETE FROM work_claims WHERE subject_type = ${params.subjectType} AND subject_id = ${params.subjectId} AND user_id = ${params.userId}`);
}

/** Lapsed claims, removed by the auth-free housekeeping of the cases-audit job. */
export async function pruneClaims(db: DbOrTx, now = new Date()): Promise<void> {
  await db.execute(sql`DELETE FROM work_claims WHERE expires_at < ${now.toISOString()}::timestamptz - interval '1 hour'`);
}
