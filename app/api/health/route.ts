// GET /api/health — readiness: 200 when the database answers, 503 when it does not.
import { getDbHandle } from '@/db/client';
import { checkDatabase } from '@/lib/health';
import { statisticsStatus } from '@/db/analyze';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkDatabase(getDbHandle);
  // Planner statistics (db/analyze.ts): whether autovacuum runs, and PayOps' own ANALYZE when not.
  const statistics = statisticsStatus();
  return Response.json(statistics ? { ...health, statistics } : health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
