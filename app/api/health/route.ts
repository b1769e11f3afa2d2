// GET /api/health — readiness: 200 when the database answers, 503 when it does not.
import { getDbHandle } from '@/db/client';
import { checkDatabase } from '@/lib/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await checkDatabase(getDbHandle);
  return Response.json(health, { status: health.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
