import { getDb } from '@/db/client';
import type { StaffUser } from '@/lib/auth/guards';
import { otpLimits } from '@/lib/otp/policy';
import { queueCounts } from '@/lib/queues/counts';

/** The counts every queue page shows in its tabs (and the nav shows as badges). */
export async function countsFor(user: StaffUser, now = new Date()) {
  return queueCounts(await getDb(), { role: user.role, userId: user.id, now, windowMinutes: otpLimits().windowMinutes });
}
