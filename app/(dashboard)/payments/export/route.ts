// GET /payments/export?<the /payments search> — every matching payment as CSV (finance, admin).
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { authorize } from '@/lib/auth/guards';
import { exportFilename, exportFilters, exportPaymentsCsv } from '@/lib/finance/export';
import { clientIp } from '@/lib/http/request';
import { searchFromParams } from '@/lib/payments/search-params';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  const user = await authorize('payments.export');
  // Unlike the page, a bad filter is refused: exporting everything instead would be a surprise.
  const search = searchFromParams(new URL(req.url).searchParams);
  if (!search.success) throw search.error;

  const db = await getDb();
  const filters = exportFilters(search.data);
  const audit = { actor: `user:${user.id}`, actorRole: user.role, target: 'payments', sourceIp: clientIp(req) };
  // Recorded before the first byte: an export that dies half-way was still asked for.
  await recordAudit(db, { ...audit, action: 'payments.export', outcome: 'ok', details: { filters } });
  const body = exportPaymentsCsv(db, search.data, {
    // The audit log is insert-only, so how the export ended is a second row.
    onEnd: ({ outcome, rows }) => recordAudit(db, { ...audit, action: 'payments.export_finished', outcome, details: { filters, rows } }),
  });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${exportFilename()}"`,
      'cache-control': 'no-store',
    },
  });
});
