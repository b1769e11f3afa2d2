import type { Metadata } from 'next';
import Link from 'next/link';
import { LINK } from '@/app/_components/ui';
import { AuthCard } from '../../_components/auth-card';
import { CodeForm } from '../../_components/code-form';
import { stepPage } from '../_components/step-page';
import { stepUpAction } from '../step-actions';

export const metadata: Metadata = { title: 'Confirm it is you' };

/** Step-up before a sensitive action (user admin, CSV export): a fresh TOTP check on this session. */
export default async function StepUpPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { signedIn, next } = await stepPage('second_factor', searchParams, (s) => !s.pending);
  if (!signedIn.user.twoFactor) {
    return (
      <AuthCard title="Set up two-factor sign-in first" lead="This action needs a code from an authenticator app, and your account has none yet.">
        <p className="text-sm">
          <Link className={LINK} href={`/login/enrol?next=${encodeURIComponent(next)}`}>Set up two-factor sign-in</Link> or{' '}
          <Link className={LINK} href="/payments">go back</Link>.
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Confirm it is you" lead="This action moves data or money out of PayOps or changes who can: enter a code from your authenticator app (or a recovery code). It counts for the next minutes on this browser.">
      <CodeForm action={stepUpAction} next={next} submit="Confirm" />
      <p className="mt-4 text-sm">
        <Link className={LINK} href={next}>Cancel</Link>
      </p>
    </AuthCard>
  );
}
