import { redirect } from 'next/navigation';
import { currentSignIn, PENDING_PAGES } from '@/lib/auth/guards';
import { safeNextPath } from '@/lib/http/next-path';

/** After each sign-in step: the next step still pending, or the page the person asked for. */
export default async function ContinuePage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(Array.isArray(next) ? next[0] : next);
  const signedIn = await currentSignIn();
  if (!signedIn) redirect(`/login?next=${encodeURIComponent(target)}`);
  if (signedIn.pending) redirect(`${PENDING_PAGES[signedIn.pending]}?next=${encodeURIComponent(target)}`);
  redirect(target);
}
