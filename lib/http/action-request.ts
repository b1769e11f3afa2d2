import { headers } from 'next/headers';
import { clientIp } from './request';

/** The caller's address inside a server action or server component (see `clientIp`). */
export async function actionIp(): Promise<string | null> {
  return clientIp(new Request('http://x', { headers: await headers() }));
}
