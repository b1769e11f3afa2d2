// POST /api/webhooks/enkash/notify — Enkash's Payment Notify Request. No session: the shared secret.
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { verifyAfterAccepted } from '@/lib/payments/verify-job';
import { handleEnkashNotify, rejectEnkashMethod, type NotifyDeps } from '@/lib/webhooks/enkash-notify';

export const dynamic = 'force-dynamic';

const deps = (): NotifyDeps => ({
  db: getDb,
  secret: env().ENKASH_WEBHOOK_SECRET,
  // Trust, then verify: once Enkash has its 200, a job asks its status API whether the claim holds.
  afterAccepted: verifyAfterAccepted('enkash'),
});

export const POST = (req: Request) => handleEnkashNotify(req, deps());
export const GET = (req: Request) => rejectEnkashMethod(req, deps());
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
