import type { DbOrTx } from '@/db/client';
import { auditVerification, type AuditVerificationRow } from '@/db/schema';
import { auditSignature } from './chain';
import { auditKey } from './key';
import {
  anchorBreak,
  auditEnd,
  BreakList,
  checkpointAnchors,
  pointsAt,
  verifyAuditChain,
  walkAuditChain,
  type Anchor,
  type ChainBreak,
  type ChainCheck,
  type ChainPoint,
} from './verify';

/** A break as stored, with when it was found (a full run started later supersedes it). */
export type StoredBreak = ChainBreak & { at: string };

export interface Verification {
  scope: 'full' | 'incremental';
  startedAt: Date;
  finishedAt: Date;
  through: ChainPoint | null;
  rowsChecked: number;
  breakCount: number;
  breaks: StoredBreak[];
}

/** The page's budget of rows per view: past it, the rest is checked by the next views. */
export const PAGE_ROW_BUDGET = 10_000;

function signed(v: Verification) {
  return {
    scope: v.scope,
    startedAt: v.startedAt.toISOString(),
    finishedAt: v.finishedAt.toISOString(),
    through: v.through,
    rowsChecked: v.rowsChecked,
    breakCount: v.breakCount,
    breaks: v.breaks,
  };
}

function fromRow(r: AuditVerificationRow): Verification {
  return {
    scope: r.scope,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    through: r.throughId === null || r.throughSeq === null || r.throughMac === null ? null : { id: r.throughId, seq: r.throughSeq, mac: r.throughMac },
    rowsChecked: r.rowsChecked,
    breakCount: r.breakCount,
    breaks: r.breaks as StoredBreak[],
  };
}

/** Stores a result, signed: without the key nobody can store a clean one in its place. */
async function saveVerification(db: DbOrTx, key: string, v: Verification): Promise<void> {
  const values = {
    scope: v.scope,
    startedAt: v.startedAt,
    finishedAt: v.finishedAt,
    throughId: v.through?.id ?? null,
    throughSeq: v.through?.seq ?? null,
    throughMac: v.through?.mac ?? null,
    rowsChecked: v.rowsChecked,
    breakCount: v.breakCount,
    breaks: v.breaks,
    signature: auditSignature(key, 'verification', signed(v)),
  };
  const { scope: _scope, ...set } = values;
  await db
    .insert(auditVerification)
    .values(values)
    .onConflictDoUpdate({ target: auditVerification.scope, set });
}

export interface StoredVerifications {
  full: Verification | null;
  incremental: Verification | null;
  /** Stored results whose signature does not verify: ignored, and said. */
  notices: string[];
}

export async function readVerifications(db: DbOrTx, key: string): Promise<StoredVerifications> {
  const rows = await db.select().from(auditVerification);
  const out: StoredVerifications = { full: null, incremental: null, notices: [] };
  for (const r of rows) {
    const v = fromRow(r);
    if (auditSignature(key, 'verification', signed(v)) !== r.signature) {
      out.notices.push(`The stored ${v.scope} verification does not carry a valid signature (written by hand, or with another key): ignored.`);
      continue;
    }
    out[v.scope] = v;
  }
  return out;
}

const watermark = (v: Verification | null, label: string): Anchor[] => (v?.through ? [{ ...v.through, label }] : []);

function watermarks(stored: StoredVerifications): Anchor[] {
  return [
    ...watermark(stored.full, `the full verification of ${stored.full?.finishedAt.toISOString()}`),
    ...watermark(stored.incremental, `the check of ${stored.incremental?.finishedAt.toISOString()}`),
  ];
}

/**
 * Walks the whole log against every checkpoint and against the points earlier verifications
 * reached, and stores the result (every break, capped): the hourly job, and an admin's button.
 */
export async function runFullVerification(db: DbOrTx, options: { key?: string } = {}): Promise<ChainCheck> {
  const key = options.key ?? auditKey();
  const startedAt = new Date();
  const stored = await readVerifications(db, key);
  const check = await verifyAuditChain(db, { key, anchors: watermarks(stored) });
  const at = startedAt.toISOString();
  await saveVerification(db, key, {
    scope: 'full',
    startedAt,
    finishedAt: new Date(),
    through: check.through,
    rowsChecked: check.checked,
    breakCount: check.breakCount,
    breaks: check.breaks.map((b) => ({ ...b, at })),
  });
  return check;
}

export interface AuditChainStatus {
  ok: boolean;
  /** The last full run's breaks and those found since, capped; `breakCount` counts them all. */
  breaks: StoredBreak[];
  breakCount: number;
  /** The last full verification (null: none yet, or its stored result did not verify). */
  full: Verification | null;
  /** Verified through this row (by the full run and the checks since). */
  through: ChainPoint | null;
  /** Rows this check walked; false `complete`: rows past the page's budget wait for the next. */
  checkedNow: number;
  complete: boolean;
  /** Every keyed row this check walked failed its MAC: AUDIT_HMAC_KEY is not the key they were written with. */
  wrongKey: boolean;
  /** The latest checkpoint (validly signed), and the row it anchored. */
  latestCheckpoint: { id: number; at: Date; headId: number } | null;
  notices: string[];
}

/**
 * The /audit page's check, cheap at any size: continues from where the last check (or full run)
 * stopped, walks only the rows since (at most PAGE_ROW_BUDGET), checks that the rows the last
 * verifications and the latest checkpoint named are still there unchanged (a few index lookups),
 * and stores how far it got. Rows before that point are the hourly full run's.
 */
export async function checkAuditIncrement(db: DbOrTx, options: { key?: string; maxRows?: number } = {}): Promise<AuditChainStatus> {
  const key = options.key ?? auditKey();
  const startedAt = new Date();
  const stored = await readVerifications(db, key);
  const { full, incremental } = stored;
  // Continue the checks since the last full run, or start a new series from that run's end.
  const continuing = !!incremental?.through && (!full?.through || incremental.through.seq > full.through.seq);
  const start = continuing ? incremental!.through : (full?.through ?? null);
  const breaks = new BreakList<StoredBreak>();
  if (continuing) {
    for (const b of incremental!.breaks) if (!full || b.at >= full.startedAt.toISOString()) breaks.add(b);
  }
  const found = new BreakList();
  const end = await auditEnd(db);
  const [latest] = await checkpointAnchors(db, key, found, { latestOnly: true });
  const anchors = [...(latest ? [latest] : []), ...watermarks(stored)];
  const behind = anchors.filter((a) => start && a.id <= start.id);
  const points = await pointsAt(db, [...behind.map((a) => a.id), ...(start ? [start.id] : [])]);
  for (const a of behind) found.add(anchorBreak(a, points.get(a.id), end));
  const walk = await walkAuditChain(db, {
    key,
    from: start && { ...start, keyed: points.get(start.id)?.keyed ?? true },
    maxRows: options.maxRows ?? PAGE_ROW_BUDGET,
    anchors: anchors.filter((a) => !start || a.id > start.id),
    breaks: found,
  });
  const at = startedAt.toISOString();
  for (const b of walk.breaks) breaks.add({ ...b, at });
  const mine: Verification = {
    scope: 'incremental',
    startedAt: continuing ? incremental!.startedAt : startedAt,
    finishedAt: new Date(),
    through: walk.through ?? start,
    rowsChecked: (continuing ? incremental!.rowsChecked : 0) + walk.checked,
    // The walk's breaks past its list's cap are counted here too.
    breakCount: breaks.count + walk.breakCount - walk.breaks.length,
    breaks: breaks.listed,
  };
  await saveVerification(db, key, mine);

  const all = new BreakList<StoredBreak>();
  for (const b of full?.breaks ?? []) all.add(b);
  for (const b of mine.breaks) all.add(b);
  // Breaks counted but not listed (past the cap) cannot be matched up: they are added as they are.
  const unlisted = (v: Pick<Verification, 'breakCount' | 'breaks'> | null) => Math.max(0, (v?.breakCount ?? 0) - (v?.breaks.length ?? 0));
  const breakCount = all.count + unlisted(full) + unlisted(mine);
  return {
    ok: breakCount === 0,
    breaks: all.listed,
    breakCount,
    full,
    through: mine.through,
    checkedNow: walk.checked,
    complete: walk.complete,
    wrongKey: walk.keyed > 0 && walk.macFailures === walk.keyed,
    latestCheckpoint: latest?.checkpoint ? { ...latest.checkpoint, headId: latest.id } : null,
    notices: stored.notices,
  };
}
