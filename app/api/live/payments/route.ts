// GET /api/live/payments?after={transactions.id}&<the /payments search> — how many payments matching the search were recorded since the page was shown (staff session).
import { z } from 'zod';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { countTransactions } from '@/lib/payments/queries';
import { parseSearchLenient } from '@/lib/payments/search-params';
import { route } from '@/lib/route';

export const dynamic = 'force-dynamic';

/** "1,000+ new payments" is as precise as a banner needs to be. */
const NEW_PAYMENTS_CAP = 1000;
const afterSchema = z.string('after is required').regex(/^\d{1,15}$/, 'must be a payment id').transform(Number);

export const GET = route(async (req) => {
  await authorize('payments.read');
  const params = new URL(req.url).searchParams;
  const after = afterSchema.parse(params.get('after') ?? undefined);
  // Read as the page reads its URL, so the count is of the list the page shows (names included, as for staff).
  const { search } = parseSearchLenient(params);
  const { count, capped } = await countTransactions(await getDb(), { ...search, cursor: undefined, matchNames: true, afterId: after }, NEW_PAYMENTS_CAP);
  return Response.json({ count, capped }, { headers: { 'cache-control': 'no-store' } });
});
