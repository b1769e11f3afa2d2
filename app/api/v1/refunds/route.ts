// POST /api/v1/refunds — the merchant's backend asks for a refund of one payment (bearer token, Idempotency-Key).
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { handleRefundApi } from '@/lib/refunds/api';
import { methodNotAllowed, route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const POST = route(async (req) => handleRefundApi(req, { db: await getDb(), apiToken: env().PAYOPS_API_TOKEN }));
export const GET = methodNotAllowed('POST');
