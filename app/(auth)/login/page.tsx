import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { currentSignIn } from '@/lib/auth/guards';
import { safeNextPath } from '@/lib/http/next-path';
import { LoginForm } from './_components/login-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(Array.isArray(next) ? next[0] : next);
  // Already signed in (or half-way, a step pending): on to the next step or the page asked for.
  if (await currentSignIn()) redirect(`/login/continue?next=${encodeURIComponent(target)}`);
  return (
    <main className="flex min-h-screen items-center justify-center px-6">
      <div className="w-full max-w-sm">
        <h1 className="text-2xl font-semibold tracking-tight">PayOps</h1>
        <p className="mt-1 text-sm text-slate-600">Sign in to the payments console.</p>
        <div className="mt-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <LoginForm next={target} />
        </div>
      </div>
    </main>
  );
}
