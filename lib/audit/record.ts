import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import { queryRows, type DbOrTx } from '@/db/client';
import { auditLog, type AuditRow } from '@/db/schema';
import { scrubCardNumbersDeep } from '@/lib/cards';
import { mapStrings, scrubbedOrNull, scrubbedText, storableText } from '@/lib/text';
import { auditMac } from './chain';
import { auditKey } from './key';

export interface AuditEntry {
  actor: string;
  actorRole?: string | null;
  action: string;
  target?: string | null;
  sourceIp?: string | null;
  outcome: string;
  details?: Record<string, unknown>;
  /**
   * Digests PayOps computed itself (a MAC, a signature: 64 lowercase hex characters), added to the
   * details as they are. The card-number scrubber would otherwise cut a run of digits inside one
   * that happens to pass Luhn, and the stored digest would no longer match what it vouches for.
   */
  digests?: Record<string, string>;
}

/**
 * Appends one audit row inside the caller's transaction (so it lands with the change it
 * describes, or not at all), keyed and chained to the row before it.
 *
 * The chain is one line, so appends are serialised by an advisory lock held to the end of the
 * caller's transaction. Everything that needs no lock (scrubbing, serialising) is done first;
 * the lock and the head come in one round trip, the row in a second, and the lock goes with the
 * commit: a flood of audited sign-ins costs each other action two round trips and a commit per
 * row ahead of it, not the length of anyone's transaction. Callers append last for that reason.
 * (In a REPEATABLE READ transaction the head read after the wait would be the snapshot's, not the
 * latest: the unique row number then refuses the row rather than fork the chain.)
 */
export async function recordAudit(db: DbOrTx, entry: AuditEntry): Promise<AuditRow> {
  const clean = storableEntry(entry);
  const key = auditKey();
  // Inside the caller's transaction already: no savepoint (two round trips on every audited action).
  return db instanceof PgTransaction ? append(db, clean, key) : db.transaction((tx) => append(tx, clean, key));
}

/**
 * The chokepoint every audit row passes: the log is insert-only, so a card number written into it
 * could never be taken out again. Every string of the entry (targets, reasons, search terms, names,
 * detail keys and values) has its card numbers cut to the last four and is made storable (NUL and
 * lone surrogates replaced, which Postgres would refuse with a 500).
 */
export function storableEntry(entry: AuditEntry): Omit<AuditRow, 'id' | 'hash' | 'prevHash' | 'mac' | 'prevMac' | 'seq' | 'at'> {
  // Through JSON once, so the MAC covers exactly what jsonb will give back.
  const details = JSON.parse(JSON.stringify(entry.details ?? {})) as unknown;
  return {
    actor: scrubbedText(entry.actor),
    actorRole: scrubbedOrNull(entry.actorRole),
    action: scrubbedText(entry.action),
    target: scrubbedOrNull(entry.target),
    sourceIp: scrubbedOrNull(entry.sourceIp),
    outcome: scrubbedText(entry.outcome),
    details: { ...(mapStrings(scrubCardNumbersDeep(details).value, (s) => storableText(s).text) as Record<string, unknown>), ...digestsOf(entry) },
  };
}

const DIGEST = /^[0-9a-f]{64}$/;

function digestsOf(entry: AuditEntry): Record<string, string> {
  for (const [key, value] of Object.entries(entry.digests ?? {})) {
    if (!DIGEST.test(value)) throw new Error(`audit digest ${key} is not 64 lowercase hex characters`);
  }
  return entry.digests ?? {};
}

export interface AuditHead {
  id: number;
  seq: number;
  /** Its MAC (its hash for an unkeyed row). */
  chain: string;
  action: string;
}

/**
 * Takes the append lock (to the end of `tx`) and reads the head, in one round trip
 * (`payops_audit_lock_head`, migration 0015). Null for an empty log.
 */
export async function lockAuditHead(tx: DbOrTx): Promise<AuditHead | null> {
  const [head] = await queryRows<{ head_id: unknown; head_seq: unknown; head_chain: string; head_action: string }>(
    tx,
    sql`SELECT * FROM payops_audit_lock_head()`,
  );
  return head ? { id: Number(head.head_id), seq: Number(head.head_seq), chain: head.head_chain, action: head.head_action } : null;
}

async function append(tx: DbOrTx, clean: ReturnType<typeof storableEntry>, key: string): Promise<AuditRow> {
  const head = await lockAuditHead(tx);
  const row = { at: new Date(), ...clean };
  const seq = (head?.seq ?? 0) + 1;
  const prevMac = head?.chain ?? null;
  const [inserted] = await tx
    .insert(auditLog)
    .values({ ...row, seq, prevMac, mac: auditMac(key, prevMac, seq, row) })
    .returning();
  return inserted;
}
