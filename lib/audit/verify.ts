import { asc, desc, gt, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditCheckpoints, auditLog, type AuditCheckpoint, type AuditRow } from '@/db/schema';
import { auditHash, auditMac, auditSignature } from './chain';
import { auditKey } from './key';

export type BreakKind = 'content_changed' | 'link_broken' | 'row_missing' | 'checkpoint_mismatch' | 'truncated_after_checkpoint';

/** One thing wrong with the log, at a row id (for a checkpoint: the row it names). */
export interface ChainBreak {
  id: number;
  kind: BreakKind;
  detail: string;
}

/** A row's place in the chain: its id, its number and its chain value (MAC, or legacy hash). */
export interface ChainPoint {
  id: number;
  seq: number;
  mac: string;
}

/**
 * A point that must still be in the log as it was: a checkpoint's head, or the last row a
 * verification reached. Deleting the newest rows shows as an anchor whose row is gone.
 */
export interface Anchor extends ChainPoint {
  /** What vouches for it, in words ("checkpoint #12 of 2025-02-07T10:05:00Z"). */
  label: string;
  /** The checkpoint it comes from, if one. */
  checkpoint?: { id: number; at: Date };
}

export interface ChainCheck {
  ok: boolean;
  /** Rows walked. */
  checked: number;
  /** The first MAX_LISTED_BREAKS breaks, in the order found. */
  breaks: ChainBreak[];
  breakCount: number;
  /** The last row walked (where a later check can continue from). */
  through: ChainPoint | null;
  /** Keyed rows walked, and how many of them failed their MAC: all of them means the wrong key. */
  keyed: number;
  macFailures: number;
  /** False when the walk stopped at its row limit with rows left. */
  complete: boolean;
}

export const MAX_LISTED_BREAKS = 200;

/** Collects breaks: all counted, the first MAX_LISTED_BREAKS kept (a wrong key fails every row). */
export class BreakList<B extends ChainBreak = ChainBreak> {
  readonly listed: B[] = [];
  count = 0;
  private readonly seen = new Set<string>();

  add(b: B | null): void {
    if (!b) return;
    const id = `${b.kind}:${b.id}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.count++;
    if (this.listed.length < MAX_LISTED_BREAKS) this.listed.push(b);
  }
}

type Prev = ChainPoint & { keyed: boolean };

/** A row found by id: `seq` null for an unkeyed row (its number is its position, not stored). */
export type FoundPoint = Omit<ChainPoint, 'seq'> & { seq: number | null; keyed: boolean };

/**
 * Checks one row against the row before it (`prev`, null at the start of the log) and returns
 * its own place in the chain. Every problem is reported and the walk goes on from the row as
 * stored, so one changed row is one break, and a break never hides the ones after it.
 */
export function checkRow(key: string, row: AuditRow, prev: Prev | null, breaks: BreakList): Prev & { macFailed: boolean } {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (row.mac === null || row.seq === null) {
    if (prev?.keyed) {
      breaks.add({ id: row.id, kind: 'content_changed', detail: 'it has no MAC though keyed rows come before it: written around PayOps, or altered' });
    } else {
      if ((row.prevHash ?? null) !== (prev?.mac ?? null)) {
        breaks.add({ id: row.id, kind: 'link_broken', detail: 'it does not link to the row before it: a row was removed, added or reordered' });
      }
      if (auditHash(row.prevHash, row) !== row.hash) {
        breaks.add({ id: row.id, kind: 'content_changed', detail: 'its content no longer matches its hash: it was changed' });
      }
    }
    return { id: row.id, seq: expectedSeq, mac: row.hash ?? '', keyed: false, macFailed: false };
  }
  const macFailed = auditMac(key, row.prevMac, row.seq, row) !== row.mac;
  if (macFailed) {
    breaks.add({ id: row.id, kind: 'content_changed', detail: 'its content no longer matches its MAC: it was changed, or written without the key' });
  }
  if (row.seq > expectedSeq) {
    const n = row.seq - expectedSeq;
    breaks.add({ id: row.id, kind: 'row_missing', detail: `${n === 1 ? 'the row' : `${n.toLocaleString('en-IN')} rows`} before it ${n === 1 ? 'is' : 'are'} missing (number ${row.seq} follows ${expectedSeq - 1})` });
  } else if (row.seq < expectedSeq || row.prevMac !== (prev?.mac ?? null)) {
    breaks.add({ id: row.id, kind: 'link_broken', detail: 'it does not link to the row before it: a row was replaced, added or reordered' });
  }
  return { id: row.id, seq: row.seq, mac: row.mac, keyed: true, macFailed };
}

/**
 * Whether an anchor still holds: its row is there with the same number and MAC. `found` is the
 * row at the anchor's id (undefined: no such row), `end` the log's last row.
 */
export function anchorBreak(anchor: Anchor, found: Pick<FoundPoint, 'mac' | 'seq'> | undefined, end: ChainPoint | null): ChainBreak | null {
  if (found && found.mac === anchor.mac && (found.seq === null || found.seq === anchor.seq)) return null;
  if (found) return { id: anchor.id, kind: 'checkpoint_mismatch', detail: `the row differs from the one ${anchor.label} recorded` };
  if (!end || end.id < anchor.id || end.seq < anchor.seq) {
    const now = end ? `the log now ends at row #${end.id} (number ${end.seq})` : 'the log is now empty';
    return {
      id: anchor.id,
      kind: 'truncated_after_checkpoint',
      detail: `${anchor.label} recorded the log reaching row #${anchor.id} (number ${anchor.seq}); ${now}: its newest rows were deleted`,
    };
  }
  return { id: anchor.id, kind: 'checkpoint_mismatch', detail: `the row ${anchor.label} recorded is gone` };
}

export function checkpointLabel(cp: Pick<AuditCheckpoint, 'id' | 'at'>): string {
  return `checkpoint #${cp.id} of ${cp.at.toISOString()}`;
}

/** What a checkpoint signs (lib/audit/checkpoint.ts signs the same). */
export function checkpointSigned(cp: Pick<AuditCheckpoint, 'at' | 'headId' | 'headSeq' | 'headMac'>) {
  return { at: cp.at.toISOString(), headId: cp.headId, headSeq: cp.headSeq, headMac: cp.headMac };
}

/** The checkpoint as an anchor, or the break its bad signature is (forged, or another key). */
export function checkpointAnchor(key: string, cp: AuditCheckpoint): Anchor | ChainBreak {
  if (auditSignature(key, 'checkpoint', checkpointSigned(cp)) !== cp.signature) {
    return { id: cp.headId, kind: 'checkpoint_mismatch', detail: `${checkpointLabel(cp)} does not carry a valid signature: forged, or signed with another key` };
  }
  return { id: cp.headId, seq: cp.headSeq, mac: cp.headMac, label: checkpointLabel(cp), checkpoint: { id: cp.id, at: cp.at } };
}

export interface WalkOptions {
  key?: string;
  /** Continue after this verified point (null or absent: from the start of the log). */
  from?: (ChainPoint & { keyed: boolean }) | null;
  /** Stop after this many rows (the page's budget); the rest is left for later. */
  maxRows?: number;
  batchSize?: number;
  /** Points that must still be in the log (checked when the walk passes them or ends before them). */
  anchors?: Anchor[];
  /** Breaks already found (an anchor's bad signature), to be reported with the walk's. */
  breaks?: BreakList;
}

/**
 * Walks the log in id order from `from`, checking every row's MAC (or legacy hash), every link and
 * every number, and the anchors it passes. Continues past every break; lists them all (capped).
 */
export async function walkAuditChain(db: DbOrTx, options: WalkOptions = {}): Promise<ChainCheck> {
  const key = options.key ?? auditKey();
  const batchSize = options.batchSize ?? 2000;
  const breaks = options.breaks ?? new BreakList();
  const anchors = new Map<number, Anchor[]>();
  for (const a of options.anchors ?? []) anchors.set(a.id, [...(anchors.get(a.id) ?? []), a]);
  const seen = new Map<number, ChainPoint>();
  let prev: Prev | null = options.from ?? null;
  let checked = 0;
  let keyed = 0;
  let macFailures = 0;
  let complete = true;
  for (;;) {
    const limit = options.maxRows === undefined ? batchSize : Math.min(batchSize, options.maxRows - checked);
    if (limit <= 0) {
      complete = (await db.select({ id: auditLog.id }).from(auditLog).where(gt(auditLog.id, prev?.id ?? 0)).limit(1)).length === 0;
      break;
    }
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, prev?.id ?? 0)).orderBy(asc(auditLog.id)).limit(limit);
    for (const row of rows) {
      const point = checkRow(key, row, prev, breaks);
      if (point.keyed) keyed++;
      if (point.macFailed) macFailures++;
      if (anchors.has(row.id)) seen.set(row.id, point);
      prev = point;
      checked++;
    }
    if (rows.length < limit) break;
  }
  // Anchors the walk passed: their row must have been there, unchanged. Past the end: only a
  // complete walk knows the end; an incomplete one leaves them to the next.
  for (const [id, list] of anchors) {
    if (!complete && (!prev || id > prev.id)) continue;
    if (options.from && id <= options.from.id) continue;
    for (const a of list) breaks.add(anchorBreak(a, seen.get(id), prev));
  }
  const through = prev ? { id: prev.id, seq: prev.seq, mac: prev.mac } : null;
  return { ok: breaks.count === 0, checked, breaks: breaks.listed, breakCount: breaks.count, through, keyed, macFailures, complete };
}

/**
 * Rows by id, as points with whether they are keyed. An unkeyed row has no stored number
 * (`seq` null): its hash alone decides whether an anchor on it holds.
 */
export async function pointsAt(db: DbOrTx, ids: number[]): Promise<Map<number, FoundPoint>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: auditLog.id, seq: auditLog.seq, mac: auditLog.mac, hash: auditLog.hash })
    .from(auditLog)
    .where(inArray(auditLog.id, ids));
  return new Map(rows.map((r) => [r.id, { id: r.id, seq: r.seq, mac: r.mac ?? r.hash ?? '', keyed: r.mac !== null }]));
}

/** The log's last row, as a point (for an unkeyed row, its number is the row count). */
export async function auditEnd(db: DbOrTx): Promise<ChainPoint | null> {
  const [last] = await db
    .select({ id: auditLog.id, seq: auditLog.seq, mac: auditLog.mac, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.id))
    .limit(1);
  if (!last) return null;
  return { id: last.id, seq: last.seq ?? (await db.$count(auditLog)), mac: last.mac ?? last.hash ?? '' };
}

/**
 * Checkpoints as anchors, oldest first: every one for a full walk, the latest for the page. A
 * forged one (bad signature) is a break instead.
 */
export async function checkpointAnchors(db: DbOrTx, key: string, breaks: BreakList, options: { latestOnly?: boolean } = {}): Promise<Anchor[]> {
  const rows = options.latestOnly
    ? await db.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.id)).limit(1)
    : await db.select().from(auditCheckpoints).orderBy(asc(auditCheckpoints.id));
  const anchors: Anchor[] = [];
  for (const cp of rows) {
    const a = checkpointAnchor(key, cp);
    if ('label' in a) anchors.push(a);
    else breaks.add(a);
  }
  return anchors;
}

/**
 * The whole log, from its first row, against every checkpoint: what the hourly job runs.
 * Verification results are stored by lib/audit/verification.ts.
 */
export async function verifyAuditChain(db: DbOrTx, options: { key?: string; batchSize?: number; anchors?: Anchor[] } = {}): Promise<ChainCheck> {
  const key = options.key ?? auditKey();
  const breaks = new BreakList();
  const anchors = [...(await checkpointAnchors(db, key, breaks)), ...(options.anchors ?? [])];
  return walkAuditChain(db, { key, batchSize: options.batchSize, anchors, breaks });
}
