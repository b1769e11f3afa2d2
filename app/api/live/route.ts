// GET /api/live?topics=payments,deliveries,payment:{id} — Server-Sent Events: ids of what changed, for live pages (staff session).
import { authorize } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { channelPermission, parseChannels } from '@/lib/live/hub';
import { getLive } from '@/lib/live/instance';
import { openLiveStream, resumeFrom } from '@/lib/live/sse';
import { route } from '@/lib/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = route(async (req) => {
  const user = await authorize('payments.read');
  const channels = parseChannels(new URL(req.url).searchParams.get('topics'));
  if (!channels) throw new AppError('invalid_input', 'topics must list payments, deliveries or payment:{id}, comma-separated.');
  // Each channel needs what its page needs: the deliveries list is for admins only.
  if (!channels.every((c) => can(user.role, channelPermission(c)))) throw new AppError('forbidden', 'Your role does not allow this.');
  return openLiveStream({ live: await getLive(), channels, after: resumeFrom(req), signal: req.signal });
});
