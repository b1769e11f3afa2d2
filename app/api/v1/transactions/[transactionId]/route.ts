// GET /api/v1/transactions/{transactionId} — one transaction, its events and flags (bearer token).
import { getDb } from '@/db/client';
import { requireApiToken } from '@/lib/api/token';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { presentTransactionDetail } from '@/lib/payments/present';
import { getTransactionDetail } from '@/lib/payments/queries';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req, ctx: { params: Promise<{ transactionId: string }> }) => {
  requireApiToken(req, env().PAYOPS_API_TOKEN);
  const { transactionId } = await ctx.params;
  if (transactionId.length > 128) throw new AppError('invalid_input', 'transactionId must be at most 128 characters.');
  const detail = await getTransactionDetail(await getDb(), { transactionId });
  if (!detail) throw new AppError('not_found', 'No transaction with that id.');
  return Response.json(presentTransactionDetail(detail), { headers: { 'cache-control': 'no-store' } });
});
