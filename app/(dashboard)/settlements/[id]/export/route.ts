// GET /settlements/{id}/export — every line of one payout as CSV, with its reconciliation outcome (finance, admin; fresh second factor).
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { exportGuard } from '@/lib/http/export-guard';
import { clientIp } from '@/lib/http/request';
import { route } from '@/lib/route';
import { payoutCsv } from '@/lib/settlements/export';
import { getPayout } from '@/lib/settlements/queries';

export const dynamic = 'force-dynamic';

export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const raw = (await ctx.params).id;
  const user = await exportGuard(req, 'settlements.export', { href: `/settlements/${/^\d+$/.test(raw) ? raw : ''}`, label: 'Back to the payout' });
  if (user instanceof Response) return user;
  if (!/^\d{1,15}$/.test(raw)) throw new AppError('not_found', 'No such payout.');
  const db = await getDb();
  const payout = await getPayout(db, Number(raw));
  if (!payout) throw new AppError('not_found', 'No such payout.');
  const audit = { actor: `user:${user.id}`, actorRole: user.role, target: `payout:enkash/${payout.payoutId}`, sourceIp: clientIp(req) };
  await recordAudit(db, { ...audit, action: 'settlements.payout_export', outcome: 'ok' });
  const body = payoutCsv(db, payout.id, ({ outcome, rows }) => recordAudit(db, { ...audit, action: 'settlements.payout_export_finished', outcome, details: { rows } }));
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="payout-${payout.payoutId.replace(/[^A-Za-z0-9_-]/g, '_')}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
