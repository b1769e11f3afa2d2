import { asc, gt } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditLog } from '@/db/schema';
import { auditHash } from './record';

export type ChainCheck = { ok: true; checked: number } | { ok: false; checked: number; brokenAtId: number; reason: string };

/** Walks the whole audit log in id order, recomputing every hash and every link. */
export async function verifyAuditChain(db: DbOrTx, batchSize = 1000): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, lastId)).orderBy(asc(auditLog.id)).limit(batchSize);
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, checked, brokenAtId: row.id, reason: 'does not link to the row before it (a row was removed or reordered)' };
      }
      if (auditHash(prevHash, row) !== row.hash) {
        return { ok: false, checked, brokenAtId: row.id, reason: 'its content no longer matches its hash (it was changed)' };
      }
      prevHash = row.hash;
      lastId = row.id;
      checked++;
    }
  }
}
