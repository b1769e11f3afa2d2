// GET /api/health/live — the process answers; no I/O. The framework floor for benchmarks.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
