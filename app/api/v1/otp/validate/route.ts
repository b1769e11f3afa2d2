// POST /api/v1/otp/validate — the merchant's checkout passes the customer's OTP to the provider through PayOps (bearer token). The OTP is never stored or logged.
import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { handleOtpApi } from '@/lib/otp/api';
import { getProviders } from '@/lib/providers';
import { methodNotAllowed, route } from '@/lib/route';

export const dynamic = 'force-dynamic';

export const POST = route(async (req) => handleOtpApi(req, 'validate', { db: await getDb(), providers: getProviders(), apiToken: env().PAYOPS_API_TOKEN }));
export const GET = methodNotAllowed('POST');
