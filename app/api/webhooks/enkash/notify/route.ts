// POST /api/webhooks/enkash/notify — Enkash's Payment Notify Request. No session: the shared secret.
import { after } from 'next/server';
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { verifyQuietly } from '@/lib/payments/verify';
import { getProviders, providersConfig } from '@/lib/providers';
import { isConfigured } from '@/lib/providers/config';
import { handleEnkashNotify, rejectEnkashMethod, type NotifyDeps } from '@/lib/webhooks/enkash-notify';

export const dynamic = 'force-dynamic';

// Configuration does not change while the process runs: decided once, not on every delivery.
let enkashConfigured: boolean | undefined;
const canVerify = () => (enkashConfigured ??= isConfigured(providersConfig(env()).enkash));

const deps = (): NotifyDeps => ({
  db: getDb,
  secret: env().ENKASH_WEBHOOK_SECRET,
  // Trust, then verify: once Enkash has its 200, ask its status API whether the claim holds.
  // Without Enkash credentials there is no one to ask: payments stay 'unconfirmed'.
  afterAccepted: ({ result }) => {
    const id = result.transactionRowId;
    if (id !== null && canVerify()) after(() => verifyQuietly(getDb, getProviders, id));
  },
});

export const POST = (req: Request) => handleEnkashNotify(req, deps());
export const GET = (req: Request) => rejectEnkashMethod(req, deps());
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
