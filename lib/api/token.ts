import { AppError } from '@/lib/errors';
import { safeEqual } from '@/lib/webhooks/secret';

/** The merchant's systems authenticate with `Authorization: Bearer <PAYOPS_API_TOKEN>`. */
export function requireApiToken(req: Request, token: string | undefined): void {
  const given = req.headers.get('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) throw new AppError('unauthorized', 'The API is not enabled: PAYOPS_API_TOKEN is not configured.');
  if (!given || !safeEqual(given, token)) throw new AppError('unauthorized', 'A valid bearer token is required.');
}
