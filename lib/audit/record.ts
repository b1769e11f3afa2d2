import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { auditLog, type AuditRow } from '@/db/schema';
import { canonicalJson } from '@/lib/json';

export interface AuditEntry {
  actor: string;
  actorRole?: string | null;
  action: string;
  target?: string | null;
  sourceIp?: string | null;
  outcome: string;
  details?: Record<string, unknown>;
}

/** The hash of one row: everything it says, chained to the previous row's hash. */
export function auditHash(prevHash: string | null, row: Omit<AuditRow, 'id' | 'hash' | 'prevHash'>): string {
  const body = canonicalJson({
    at: row.at.toISOString(),
    actor: row.actor,
    actorRole: row.actorRole,
    action: row.action,
    target: row.target,
    sourceIp: row.sourceIp,
    outcome: row.outcome,
    details: row.details,
  });
  return createHash('sha256').update(`${prevHash ?? ''}\n${body}`).digest('hex');
}

/**
 * Appends one audit row inside the caller's transaction (so it lands with the change it
 * describes, or not at all). An advisory lock held to the end of that transaction keeps the
 * chain linear when several instances write at once.
 */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<AuditRow> {
  // Inside the caller's transaction already: no savepoint (two round trips on every audited action).
  return db instanceof PgTransaction ? append(db, entry) : db.transaction((tx) => append(tx, entry));
}

async function append(tx: DbOrTx, entry: AuditEntry): Promise<AuditRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('payops.audit_log'))`);
  const [prev] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const row = {
    at: new Date(),
    actor: entry.actor,
    actorRole: entry.actorRole ?? null,
    action: entry.action,
    target: entry.target ?? null,
    sourceIp: entry.sourceIp ?? null,
    outcome: entry.outcome,
    // Through JSON once, so the hash covers exactly what jsonb will give back.
    details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
  };
  const prevHash = prev?.hash ?? null;
  const [inserted] = await tx
    .insert(auditLog)
    .values({ ...row, prevHash, hash: auditHash(prevHash, row) })
    .returning();
  return inserted;
}
