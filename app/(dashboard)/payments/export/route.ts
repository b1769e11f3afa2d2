// GET /payments/export?<the /payments search> — every matching payment as CSV (finance, admin).
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { authorizeSensitive } from '@/lib/auth/guards';
import { exportFilename, exportFilters, exportPaymentsCsv } from '@/lib/finance/export';
import { AppError } from '@/lib/errors';
import { refuseCrossSite } from '@/lib/http/fetch-site';
import { htmlPage, wantsHtml } from '@/lib/http/html-page';
import { clientIp } from '@/lib/http/request';
import { rawSearch, searchFromParams, searchHref } from '@/lib/payments/search-params';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  const params = new URL(req.url).searchParams;
  // The same search on the list: where a person opening this link in a browser is sent back to.
  const list = searchHref('/payments', rawSearch(params), { cursor: null, limit: null });
  try {
    // A link or form on another site must not start an audited export in the victim's name; a typed
    // address or a bookmark may (Sec-Fetch-Site none).
    refuseCrossSite(req, { typedAddress: true });
  } catch (err) {
    if (!wantsHtml(req)) throw err;
    return htmlPage(403, {
      title: 'Export not started',
      heading: 'This export was opened from another site',
      body: 'Nothing was exported: PayOps starts an export only from its own pages or an address you type yourself. Open the list and export from there.',
      link: { href: list, label: 'See these payments' },
    });
  }
  let user;
  try {
    // An export takes every matching payment out of PayOps: a fresh second-factor check first.
    user = await authorizeSensitive('payments.export');
  } catch (err) {
    if (err instanceof AppError && err.code === 'step_up_required' && wantsHtml(req)) {
      // A relative Location: behind a proxy (or on 127.0.0.1) req.url's host is not the one the browser used.
      const here = new URL(req.url);
      return new Response(null, { status: 303, headers: { location: `/login/step-up?next=${encodeURIComponent(here.pathname + here.search)}` } });
    }
    // A shared export link opened by a role that cannot export: a page saying so, not raw JSON.
    if (err instanceof AppError && err.code === 'forbidden' && wantsHtml(req)) {
      return htmlPage(403, {
        title: 'Export not allowed',
        heading: 'Your role cannot export payments',
        body: 'CSV exports are for finance and admin staff. You can still look at these payments in the list.',
        link: { href: list, label: 'See these payments' },
      });
    }
    throw err;
  }
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
