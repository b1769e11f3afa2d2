import type { Metadata } from 'next';
import { AuthCard } from '../../_components/auth-card';
import { CodeForm } from '../../_components/code-form';
import { stepPage } from '../_components/step-page';
import { secondFactorAction } from '../step-actions';
import { SignOutLink } from '../_components/sign-out-link';

export const metadata: Metadata = { title: 'Two-factor sign-in' };

export default async function TwoFactorPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { signedIn, next } = await stepPage('second_factor', searchParams);
  return (
    <AuthCard title="Enter your code" lead={<>Signed in as {signedIn.user.email}. Open your authenticator app and enter the 6-digit code for PayOps, or one of your recovery codes.</>}>
      <CodeForm action={secondFactorAction} next={next} submit="Continue" />
      <SignOutLink />
    </AuthCard>
  );
}
