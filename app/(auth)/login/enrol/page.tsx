import type { Metadata } from 'next';
import QRCode from 'qrcode';
import { getDb } from '@/db/client';
import { beginEnrolment } from '@/lib/auth/second-factor';
import { formatTotpSecret, totpUri } from '@/lib/auth/totp';
import { getUserById } from '@/lib/auth/users';
import { AuthCard } from '../../_components/auth-card';
import { stepPage } from '../_components/step-page';
import { SignOutLink } from '../_components/sign-out-link';
import { EnrolForm } from './enrol-form';

export const metadata: Metadata = { title: 'Set up two-factor sign-in' };
export const dynamic = 'force-dynamic';

/**
 * Enrolment: a new secret on every visit, shown this once (QR code and text); it counts only
 * after a first code from it is confirmed. For a user whose role requires a second factor this is
 * the only page they can open until then.
 */
export default async function EnrolPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { signedIn, next } = await stepPage('enrol', searchParams, (s) => s.pending === 'enrol' || (!s.pending && !s.user.twoFactor));
  const db = await getDb();
  const secret = await beginEnrolment(db, (await getUserById(db, signedIn.user.id))!);
  if (!secret) return null;
  const uri = totpUri(secret, signedIn.user.email);
  const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 200 });
  const required = signedIn.pending === 'enrol';
  return (
    <AuthCard
      wide
      title="Set up two-factor sign-in"
      lead={
        required
          ? `Your role needs a second factor before you can use PayOps. Signed in as ${signedIn.user.email}.`
          : `Each sign-in will also ask for a code from your phone. Signed in as ${signedIn.user.email}.`
      }
    >
      <ol className="list-decimal space-y-4 pl-5 text-sm text-slate-700">
        <li>
          Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, Authy…).
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server, nothing to optimise */}
          <img src={qr} width={200} height={200} alt="QR code to add PayOps to an authenticator app" className="mt-3 rounded border border-slate-200 bg-white" />
        </li>
        <li>
          Or type this key into the app (time-based, 6 digits):
          <code data-testid="totp-secret" className="mt-2 block select-all break-all rounded bg-slate-100 px-3 py-2 font-mono text-sm tracking-wider text-slate-900">
            {formatTotpSecret(secret)}
          </code>
          <span className="mt-1 block text-xs text-slate-500">Shown this once: reloading the page makes a new key.</span>
        </li>
        <li>Enter the code the app shows now, to confirm.</li>
      </ol>
      <div className="mt-4">
        <EnrolForm next={next} />
      </div>
      {required && <SignOutLink />}
    </AuthCard>
  );
}
