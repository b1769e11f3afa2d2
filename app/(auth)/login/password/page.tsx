import type { Metadata } from 'next';
import { AuthCard } from '../../_components/auth-card';
import { PasswordForm } from '../../_components/password-form';
import { stepPage } from '../_components/step-page';
import { SignOutLink } from '../_components/sign-out-link';
import { forcedPasswordAction } from '../step-actions';

export const metadata: Metadata = { title: 'Choose a new password' };

/** After an admin's reset: the generated password worked once; now the person chooses their own. */
export default async function NewPasswordPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { signedIn, next } = await stepPage('password_change', searchParams);
  return (
    <AuthCard title="Choose a new password" lead={`An admin reset the password of ${signedIn.user.email}. Choose your own before going on.`}>
      <PasswordForm action={forcedPasswordAction} next={next} submit="Save and continue" currentLabel="The password you were given" />
      <SignOutLink />
    </AuthCard>
  );
}
