// POST /api/webhooks/juspay — Juspay order and transaction webhooks. No session: HTTP Basic.
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { verifyAfterAccepted } from '@/lib/payments/verify-job';
import { handleJuspayWebhook, rejectJuspayMethod, type JuspayDeps } from '@/lib/webhooks/juspay';

export const dynamic = 'force-dynamic';

const deps = (): JuspayDeps => {
  const e = env();
  return {
    db: getDb,
    credentials: { username: e.JUSPAY_WEBHOOK_USERNAME, password: e.JUSPAY_WEBHOOK_PASSWORD, required: !!e.DATABASE_URL },
    // Trust, then verify: once Juspay has its 200, a job asks its order status API.
    afterAccepted: verifyAfterAccepted('juspay'),
  };
};

export const POST = (req: Request) => handleJuspayWebhook(req, deps());
export const GET = (req: Request) => rejectJuspayMethod(req, deps());
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
