import { createHash, createHmac } from 'node:crypto';
import type { AuditRow } from '@/db/schema';
import { canonicalJson } from '@/lib/json';

/** What a row says, as its MAC (or legacy hash) covers it. */
export type AuditContent = Pick<AuditRow, 'at' | 'actor' | 'actorRole' | 'action' | 'target' | 'sourceIp' | 'outcome' | 'details'>;

function contentJson(row: AuditContent): string {
  return canonicalJson({
    at: row.at.toISOString(),
    actor: row.actor,
    actorRole: row.actorRole,
    action: row.action,
    target: row.target,
    sourceIp: row.sourceIp,
    outcome: row.outcome,
    details: row.details,
  });
}

/**
 * The unkeyed SHA-256 of a row written before AUDIT_HMAC_KEY (its content, chained to the
 * previous row's hash). Anyone with write access could recompute these; they are only checked,
 * never written any more.
 */
export function auditHash(prevHash: string | null, row: AuditContent): string {
  return createHash('sha256').update(`${prevHash ?? ''}\n${contentJson(row)}`).digest('hex');
}

/**
 * A keyed row's MAC: HMAC-SHA256 with the audit key over its number, the previous row's chain
 * value (its MAC, or its hash for the last unkeyed row) and its content. Without the key nobody
 * can write a row, or rewrite one, that verifies.
 */
export function auditMac(key: string, prevMac: string | null, seq: number, row: AuditContent): string {
  return createHmac('sha256', key).update(`payops.audit.row.v1\n${seq}\n${prevMac ?? ''}\n${contentJson(row)}`, 'utf8').digest('hex');
}

/**
 * A signature with the audit key over a value, for one purpose (`checkpoint`, `verification`,
 * `anchor`): the purpose is inside the signed text, so a signature made for one is never valid
 * for another, nor for a row.
 */
export function auditSignature(key: string, purpose: string, value: unknown): string {
  return createHmac('sha256', key).update(`payops.audit.${purpose}.v1\n${canonicalJson(value)}`, 'utf8').digest('hex');
}

/**
 * The secret the anchor receiver checks `X-PayOps-Signature` with: derived from the audit key, so
 * the receiver can tell PayOps' checkpoints from anyone else's without holding the key that makes
 * rows (`npm run audit -- anchor-secret` prints it).
 */
export function anchorSecret(key: string): string {
  return createHmac('sha256', key).update('payops.audit.anchor-secret.v1', 'utf8').digest('hex');
}
