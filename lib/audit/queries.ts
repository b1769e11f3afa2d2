import { and, asc, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { auditLog, users, type AuditRow } from '@/db/schema';
import { escapeLike } from '@/lib/payments/search-params';
import { storableText } from '@/lib/text';
import { istDayRange } from '@/lib/time';
import { parsePageParams, type PageParams } from '@/lib/http/page-params';

export const AUDIT_PAGE_SIZE = 50;

// Stored text never holds NUL (lib/text.ts): a filter with one simply matches nothing.
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => storableText(v).text);
const istDay = z.string().refine((v) => istDayRange(v) !== null, 'must be a date, YYYY-MM-DD (an IST day)');

/** The audit page's URL. `from`/`to` are whole IST days, both included. */
export const auditSearchSchema = z.object({
  action: text(100).optional(),
  // Any fragment: of a staff member's email or name (meaning their `user:<id>`), or of the actor
  // itself (`cli`, `anonymous`, `user:12`).
  actor: text(254).optional(),
  outcome: text(60).optional(),
  from: istDay.optional(),
  to: istDay.optional(),
  cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export type AuditSearch = z.infer<typeof auditSearchSchema>;

export function parseAuditSearch(params: PageParams): { search: AuditSearch; invalid: boolean } {
  return parsePageParams(auditSearchSchema, params);
}

export type AuditListRow = AuditRow & { actorEmail: string | null };

/**
 * Who reads the log decides (the caller, by `audit.read_security`): a failed sign-in's target is
 * whatever was typed as the email, at times a password, so those rows are for admins only.
 */
export interface AuditAudience {
  securityRows: boolean;
}

const notSecurityRow = sql`NOT (${auditLog.action} = 'auth.sign_in' AND ${auditLog.outcome} <> 'ok')`;

export interface AuditPage {
  rows: AuditListRow[];
  /** The id to pass as `cursor` for the next page; null on the last page. */
  nextCursor: number | null;
}

/** Newest first, keyset-paginated on id. */
export async function searchAudit(db: DbOrTx, search: AuditSearch & AuditAudience & { limit?: number }): Promise<AuditPage> {
  const limit = search.limit ?? AUDIT_PAGE_SIZE;
  const where: (SQL | undefined)[] = [];
  if (!search.securityRows) where.push(notSecurityRow);
  if (search.action) where.push(eq(auditLog.action, search.action));
  if (search.outcome) where.push(eq(auditLog.outcome, search.outcome));
  if (search.actor) {
    // The staff it names become exact actors (audit_log_actor_idx); the fragment of the actor text
    // itself is a filter on the newest-first walk, cheap while the log holds what it matches.
    const fragment = `%${escapeLike(search.actor)}%`;
    where.push(
      or(
        eq(auditLog.actor, search.actor),
        sql`${auditLog.actor} IN (SELECT 'user:' || u.id FROM ${users} u WHERE u.email ILIKE ${fragment} OR u.name ILIKE ${fragment})`,
        sql`${auditLog.actor} ILIKE ${fragment}`,
      ),
    );
  }
  if (search.from) where.push(gte(auditLog.at, istDayRange(search.from)!.start));
  if (search.to) where.push(lt(auditLog.at, istDayRange(search.to)!.end));
  if (search.cursor) where.push(lt(auditLog.id, search.cursor));
  const rows = await db
    .select({ row: auditLog, actorEmail: users.email })
    .from(auditLog)
    .leftJoin(users, sql`${auditLog.actor} = 'user:' || ${users.id}`)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map(({ row, actorEmail }) => ({ ...row, actorEmail }));
  return { rows: page, nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

/** The actions and outcomes the log holds, for the filter's choices. */
export async function listAuditFacets(db: DbOrTx, audience: AuditAudience): Promise<{ actions: string[]; outcomes: string[] }> {
  const visible = audience.securityRows ? undefined : notSecurityRow;
  const [actions, outcomes] = await Promise.all([
    db.selectDistinct({ v: auditLog.action }).from(auditLog).where(visible).orderBy(asc(auditLog.action)),
    db.selectDistinct({ v: auditLog.outcome }).from(auditLog).where(visible).orderBy(asc(auditLog.outcome)),
  ]);
  return { actions: actions.map((r) => r.v), outcomes: outcomes.map((r) => r.v) };
}
