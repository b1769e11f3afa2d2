// GET /payments/export?<the /payments search> — every matching payment as CSV (finance, admin).
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { exportFilename, exportFilters, exportPaymentsCsv } from '@/lib/finance/export';
import { exportGuard } from '@/lib/http/export-guard';
import { htmlPage, wantsHtml } from '@/lib/http/html-page';
import { clientIp } from '@/lib/http/request';
import { rawSearch, searchFromParams, searchHref } from '@/lib/payments/search-params';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  const params = new URL(req.url).searchParams;
  // The same search on the list: where a person opening this link in a browser is sent back to.
  const list = searchHref('/payments', rawSearch(params), { cursor: null, limit: null });
  // Not from another site, the permission, and a fresh second factor (a browser gets a page or the step-up).
  const user = await exportGuard(req, 'payments.export', { href: list, label: 'See these payments' }, 'payments');
  if (user instanceof Response) return user;
  // Unlike the page, a bad filter is refused: exporting everything instead would be a surprise.
  const search = searchFromParams(params);
  if (!search.success) {
    if (!wantsHtml(req)) throw search.error;
    const fields = [...new Set(search.error.issues.map((i) => String(i.path[0])))].join(', ');
    return htmlPage(400, {
      title: 'Export not started',
      heading: 'This export link has a filter PayOps cannot read',
      body: `Nothing was exported: the ${fields} in the link is not valid. Open the list, check the filters, and export from there.`,
      link: { href: '/payments', label: 'Go to payments' },
    });
  }

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
