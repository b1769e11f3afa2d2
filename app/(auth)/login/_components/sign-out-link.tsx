import { signOutAction } from '@/app/(dashboard)/actions';

/** A way out of a sign-in step (another account, a lost phone): ends the session. */
export function SignOutLink() {
  return (
    <form action={signOutAction} className="mt-4 text-sm text-slate-600">
      Not you, or no access to your codes?{' '}
      <button type="submit" className="font-medium text-indigo-700 hover:underline">
        Sign out
      </button>
      <span className="block mt-1 text-xs">An admin can reset your second factor if you lost your phone and your recovery codes.</span>
    </form>
  );
}
