// POST /api/webhooks/juspay — Juspay order and transaction webhooks. No session: HTTP Basic.
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { after } from 'next/server';
import { verifyAfterAccepted } from '@/lib/payments/verify-job';
import { refundsAfterAccepted } from '@/lib/refunds/jobs';
import { handleJuspayWebhook, rejectJuspayMethod, type JuspayDeps } from '@/lib/webhooks/juspay';

export const dynamic = 'force-dynamic';

const deps = (): JuspayDeps => {
  const e = env();
  return {
    db: getDb,
    credentials: { username: e.JUSPAY_WEBHOOK_USERNAME, password: e.JUSPAY_WEBHOOK_PASSWORD, required: !!e.DATABASE_URL },
    // Trust, then verify: once Juspay has its 200, a job asks its order status API — about the
    // payment, and about each of its refunds in flight (ORDER_REFUNDED and the like are claims too).
    afterAccepted: (accepted) => {
      verifyAfterAccepted('juspay')(accepted);
      const id = accepted.result.transactionRowId;
      if (id !== null) after(async () => refundsAfterAccepted(await getDb(), id));
    },
  };
};

export const POST = (req: Request) => handleJuspayWebhook(req, deps());
export const GET = (req: Request) => rejectJuspayMethod(req, deps());
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
