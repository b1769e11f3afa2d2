import { redirect } from 'next/navigation';
import { currentSignIn, type Pending, type SignedIn } from '@/lib/auth/guards';
import { safeNextPath } from '@/lib/http/next-path';

/**
 * A sign-in step's page is for the session that has that step pending (or, for enrolment, any
 * signed-in user without a second factor); anyone else is sent on to where they belong.
 */
export async function stepPage(
  step: Pending,
  searchParams: Promise<{ next?: string | string[] }>,
  allowed: (s: SignedIn) => boolean = (s) => s.pending === step,
): Promise<{ signedIn: SignedIn; next: string }> {
  const { next: raw } = await searchParams;
  const next = safeNextPath(Array.isArray(raw) ? raw[0] : raw);
  const signedIn = await currentSignIn();
  if (!signedIn) redirect(`/login?next=${encodeURIComponent(next)}`);
  if (!allowed(signedIn)) redirect(`/login/continue?next=${encodeURIComponent(next)}`);
  return { signedIn, next };
}
