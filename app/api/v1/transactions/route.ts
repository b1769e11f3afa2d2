// GET /api/v1/transactions — search transactions for the merchant's systems (bearer token).
import { getDb } from '@/db/client';
import { requireApiToken } from '@/lib/api/token';
import { env } from '@/lib/env';
import { presentTransaction } from '@/lib/payments/present';
import { searchTransactions } from '@/lib/payments/queries';
import { searchFromParams } from '@/lib/payments/search-params';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  requireApiToken(req, env().PAYOPS_API_TOKEN);
  const search = searchFromParams(new URL(req.url).searchParams);
  if (!search.success) throw search.error;
  const page = await searchTransactions(await getDb(), search.data);
  return Response.json(
    { data: page.rows.map(presentTransaction), nextCursor: page.nextCursor },
    { headers: { 'cache-control': 'no-store' } },
  );
});
