// GET /api/health/live — liveness: 200 while this instance can serve; 503 once every database
// call has failed for longer than LIVENESS_DB_FAILURE_SECONDS, so an orchestrator restarts it.
import { getDbHandle } from '@/db/client';
import { env } from '@/lib/env';
import { checkLiveness } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const handle = await getDbHandle().catch(() => null);
  const live = handle ? checkLiveness(handle, env().LIVENESS_DB_FAILURE_SECONDS * 1000) : { status: 'failing' as const };
  return Response.json(live, { status: live.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
