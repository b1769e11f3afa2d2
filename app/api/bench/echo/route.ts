// POST /api/bench/echo — benchmark floor: reads the body and answers. 404 unless PAYOPS_BENCH_ROUTES=1.
import { benchRoutesEnabled, notFound } from '@/lib/bench-routes';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  if (!benchRoutesEnabled()) return notFound();
  const body = await req.arrayBuffer();
  return Response.json({ bytes: body.byteLength }, { headers: { 'cache-control': 'no-store' } });
}
