// POST /api/v1/otp/resend — the merchant's checkout asks PayOps to resend a payment's OTP (bearer token).
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { handleOtpApi } from '@/lib/otp/api';
import { getProviders } from '@/lib/providers';
import { methodNotAllowed, route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const POST = route(async (req) => handleOtpApi(req, 'resend', { db: await getDb(), providers: getProviders(), apiToken: env().PAYOPS_API_TOKEN }));
export const GET = methodNotAllowed('POST');
