import { redirect } from 'next/navigation';
import { requireUser } from '@/lib/auth/guards';
import { homeFor } from '@/lib/queues/home';

/** Each role's start page (lib/queues/home.ts); also where sign-in lands without a `next`. */
export default async function Home() {
  const user = await requireUser();
  redirect(homeFor(user.role));
}
