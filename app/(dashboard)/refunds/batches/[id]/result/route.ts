// GET /refunds/batches/{id}/result — a batch's rows as CSV: verdict, refund, state, provider refund id, ARN (finance, admin; fresh second factor).
import { getDb } from '@/db/client';
import { recordAudit } from '@/lib/audit/record';
import { AppError } from '@/lib/errors';
import { exportGuard } from '@/lib/http/export-guard';
import { clientIp } from '@/lib/http/request';
import { batchRefunds, batchResultCsv, batchRows, getBatch } from '@/lib/refunds/bulk';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req, ctx: { params: Promise<{ id: string }> }) => {
  const raw = (await ctx.params).id;
  const id = /^\d{1,15}$/.test(raw) ? raw : '';
  const user = await exportGuard(req, 'payments.export', { href: id ? `/refunds/batches/${id}` : '/refunds/bulk', label: 'Back to the batch' }, 'refund results');
  if (user instanceof Response) return user;
  if (!id) throw new AppError('not_found', 'No such batch.');
  const db = await getDb();
  const batch = await getBatch(db, Number(id));
  if (!batch) throw new AppError('not_found', 'No such batch.');
  const body = batchResultCsv(batch, await batchRefunds(db, batch.id));
  await recordAudit(db, { actor: `user:${user.id}`, actorRole: user.role, action: 'refunds.batch_result_export', target: `refund_batch:${batch.id}`, sourceIp: clientIp(req), outcome: 'ok', details: { rows: batchRows(batch).length } });
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="refund-batch-${batch.id}-result.csv"`,
      'cache-control': 'no-store',
    },
  });
});
