// GET /settlements/exceptions/export?state=open|resolved|all&kind=… — reconciliation exceptions as CSV (finance, admin; fresh second factor).
import { getDb } from '@/db/client';
import type { ExceptionKind } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import { exportGuard } from '@/lib/http/export-guard';
import { clientIp } from '@/lib/http/request';
import { route } from '@/lib/route';
import { KIND_LABELS } from '@/lib/settlements/exceptions';
import { exceptionsCsv } from '@/lib/settlements/export';

export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  const user = await exportGuard(req, 'settlements.export', { href: '/settlements/exceptions', label: 'Back to the exceptions' });
  if (user instanceof Response) return user;
  const params = new URL(req.url).searchParams;
  const s = params.get('state');
  const state = s === 'resolved' || s === 'all' ? s : 'open';
  const k = params.get('kind');
  const kind = k && k in KIND_LABELS ? (k as ExceptionKind) : null;
  const db = await getDb();
  const audit = { actor: `user:${user.id}`, actorRole: user.role, target: 'settlement_exceptions', sourceIp: clientIp(req) };
  await recordAudit(db, { ...audit, action: 'settlements.exceptions_export', outcome: 'ok', details: { state, kind } });
  const body = exceptionsCsv(db, { state, kind }, ({ outcome, rows }) => recordAudit(db, { ...audit, action: 'settlements.exceptions_export_finished', outcome, details: { state, kind, rows } }));
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="settlement-exceptions.csv"', 'cache-control': 'no-store' },
  });
});
