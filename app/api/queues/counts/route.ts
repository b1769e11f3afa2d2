// GET /api/queues/counts — the nav's queue badges for the signed-in staff member (only the queues their role may open).
import { NextResponse } from 'next/server';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { otpLimits } from '@/lib/otp/policy';
import { queueCounts } from '@/lib/queues/counts';
import { route } from '@/lib/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route(async () => {
  const user = await authorize('payments.read');
  const counts = await queueCounts(await getDb(), { role: user.role, userId: user.id, now: new Date(), windowMinutes: otpLimits().windowMinutes });
  return NextResponse.json(counts, { headers: { 'cache-control': 'no-store' } });
});
