// POST /api/bench/insert — benchmark floor: reads the body and inserts it, one statement.
// 404 unless PAYOPS_BENCH_ROUTES=1 (the benchmark creates the table it writes to).
import { getDb } from '@/db/client';
import { benchRoutesEnabled, insertBenchFloor, notFound } from '@/lib/bench-routes';
import { errorResponse } from '@/lib/route';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  if (!benchRoutesEnabled()) return notFound();
  try {
    const body = await req.text();
    await insertBenchFloor(await getDb(), body);
    return Response.json({}, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return errorResponse(err, req);
  }
}
