import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '@/db/client';
import { auditLog, type AuditRow } from '@/db/schema';
import { scrubCardNumbersDeep } from '@/lib/cards';
import { canonicalJson } from '@/lib/json';
import { mapStrings, scrubbedOrNull, scrubbedText, storableText } from '@/lib/text';

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

/**
 * The chokepoint every audit row passes: the log is insert-only, so a card number written into it
 * could never be taken out again. Every string of the entry (targets, reasons, search terms, names,
 * detail keys and values) has its card numbers cut to the last four and is made storable (NUL and
 * lone surrogates replaced, which Postgres would refuse with a 500).
 */
export function storableEntry(entry: AuditEntry): Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'at'> {
  // Through JSON once, so the hash covers exactly what jsonb will give back.
  const details = JSON.parse(JSON.stringify(entry.details ?? {})) as unknown;
  return {
    actor: scrubbedText(entry.actor),
    actorRole: scrubbedOrNull(entry.actorRole),
    action: scrubbedText(entry.action),
    target: scrubbedOrNull(entry.target),
    sourceIp: scrubbedOrNull(entry.sourceIp),
    outcome: scrubbedText(entry.outcome),
    details: mapStrings(scrubCardNumbersDeep(details).value, (s) => storableText(s).text) as Record<string, unknown>,
  };
}

async function append(tx: DbOrTx, entry: AuditEntry): Promise<AuditRow> {
  const clean = storableEntry(entry);
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('payops.audit_log'))`);
  const [prev] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const row = { at: new Date(), ...clean };
  const prevHash = prev?.hash ?? null;
  const [inserted] = await tx
    .insert(auditLog)
    .values({ ...row, prevHash, hash: auditHash(prevHash, row) })
    .returning();
  return inserted;
}
