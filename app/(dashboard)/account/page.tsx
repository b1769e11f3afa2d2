import type { Metadata } from 'next';
import Link from 'next/link';
import { PasswordForm } from '@/app/(auth)/_components/password-form';
import { IstTime } from '@/app/_components/format';
import { BUTTON, CARD, LINK } from '@/app/_components/ui';
import { getDb } from '@/db/client';
import { requireUser, steppedUp } from '@/lib/auth/guards';
import { secondFactorRequired, unusedRecoveryCodes } from '@/lib/auth/second-factor';
import { hashSessionId, listLiveSessions } from '@/lib/auth/sessions';
import { describeUserAgent } from '@/lib/auth/user-agent';
import { changePasswordAction, endSessionAction, signOutEverywhereAction } from './actions';
import { RecoveryCodes } from './recovery-codes';

export const metadata: Metadata = { title: 'Your account' };

/** Your own account: where you are signed in, your password, your second factor. */
export default async function AccountPage() {
  const user = await requireUser();
  const db = await getDb();
  const sessions = await listLiveSessions(db, user.id);
  const mine = hashSessionId(user.sessionId);
  const codesLeft = user.twoFactor ? await unusedRecoveryCodes(db, user.id) : 0;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Your account</h1>
        <p className="mt-1 text-sm text-slate-600">
          {user.email} · {user.role}
        </p>
      </div>

      <section aria-labelledby="sessions-heading" className={`${CARD} p-4`}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="sessions-heading" className="text-base font-semibold">
            Where you are signed in
          </h2>
          <form action={signOutEverywhereAction}>
            <button type="submit" className={BUTTON.secondary}>
              Sign out everywhere
            </button>
          </form>
        </div>
        <p className="mt-1 text-sm text-slate-600">Each sign-in lasts at most 12 hours, and ends after 30 minutes without use. End any you do not recognise, then change your password.</p>
        <ul className="mt-3 divide-y divide-slate-100" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.idHash} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm">
              <span className="font-medium">{describeUserAgent(s.userAgent)}</span>
              <span className="text-slate-600">from {s.ip ?? 'an unknown address'}</span>
              <span className="text-slate-600">
                signed in <IstTime value={s.createdAt} />, last active <IstTime value={s.lastSeenAt} />
              </span>
              {s.secondFactorAt ? null : <span className="rounded bg-amber-50 px-1.5 text-xs text-amber-800">second factor not checked</span>}
              <span className="ml-auto">
                {s.idHash === mine ? (
                  <span className="rounded bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">This browser</span>
                ) : (
                  <form action={endSessionAction}>
                    <input type="hidden" name="session" value={s.idHash} />
                    <button type="submit" className={BUTTON.danger}>
                      End this session
                    </button>
                  </form>
                )}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="password-heading" className={`${CARD} max-w-xl p-4`}>
        <h2 id="password-heading" className="text-base font-semibold">
          Change your password
        </h2>
        <p className="mt-1 mb-3 text-sm text-slate-600">Every other session of yours ends when you do.</p>
        <PasswordForm action={changePasswordAction} submit="Change password" />
      </section>

      <section aria-labelledby="factor-heading" className={`${CARD} max-w-xl p-4`}>
        <h2 id="factor-heading" className="text-base font-semibold">
          Two-factor sign-in
        </h2>
        {user.twoFactor ? (
          <div className="mt-1 space-y-3 text-sm text-slate-700">
            <p>
              On: each sign-in asks for a code from your authenticator app. {codesLeft} of 10 recovery codes left.
              {secondFactorRequired(user.role) ? ' Your role requires it.' : ''} Lost your phone? An admin can reset it.
            </p>
            <RecoveryCodes steppedUp={steppedUp(user)} />
          </div>
        ) : (
          <p className="mt-1 text-sm text-slate-700">
            Off. Sensitive actions need it, and it protects your account if your password leaks.{' '}
            <Link className={LINK} href="/login/enrol?next=/account">
              Set up two-factor sign-in
            </Link>
          </p>
        )}
      </section>
    </div>
  );
}
