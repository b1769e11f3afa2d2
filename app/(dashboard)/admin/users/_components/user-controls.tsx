'use client';

import { useActionState, useEffect, useState } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { Select } from '@/app/_components/select';
import type { Role } from '@/db/schema/users';
import { changeRoleAction, resetPasswordAction, resetTwoFactorAction, setActiveAction, type UserFormState } from '../actions';

const initial: UserFormState = { ok: false, message: null };
export const roleOptions = (roles: readonly Role[]) => roles.map((r) => ({ value: r, label: r.charAt(0).toUpperCase() + r.slice(1) }));

function Feedback({ state }: { state: UserFormState }) {
  if (!state.message) return null;
  return (
    <div role={state.ok ? 'status' : 'alert'} className={`mt-1 max-w-64 text-xs ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
      {state.message}
      {state.password && (
        <code data-testid="generated-password" className="mt-1 block select-all rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-900">
          {state.password}
        </code>
      )}
    </div>
  );
}

/**
 * The role select shows the role the person has: the one just chosen once the change is saved,
 * the one they still have when the change is refused (the last admin), and a change made
 * elsewhere as soon as the page re-renders.
 */
export function RoleControl({ userId, email, role, roles, self }: { userId: number; email: string; role: Role; roles: readonly Role[]; self: boolean }) {
  const [state, action, pending] = useActionState(changeRoleAction, initial);
  const [chosen, setChosen] = useState<string>(role);
  const [shown, setShown] = useState(role);
  if (shown !== role) {
    setShown(role);
    setChosen(role);
  }
  useEffect(() => {
    if (state.message && !state.ok) setChosen(role);
    // Only a new answer moves the select back; `role` changes are followed above.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);
  return (
    <ActionForm action={action}>
      <input type="hidden" name="userId" value={userId} />
      <div className="flex items-center gap-1">
        <Select name="role" label={`Role of ${email}`} hideLabel options={roleOptions(roles)} value={chosen} onValueChange={setChosen} disabled={self} className="w-28" />
        {!self && (
          <button type="submit" disabled={pending || chosen === role} className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-50">
            {pending ? 'Saving…' : 'Change'}
          </button>
        )}
      </div>
      <Feedback state={state} />
    </ActionForm>
  );
}

export function ActiveControl({ userId, email, active, self }: { userId: number; email: string; active: boolean; self: boolean }) {
  const [state, action, pending] = useActionState(setActiveAction, initial);
  if (self) return <span className="text-xs text-slate-600">You cannot disable yourself or change your own role.</span>;
  return (
    <ActionForm
      action={(data) => {
        if (!active || window.confirm(`Disable ${email}? Their sessions end at once.`)) action(data);
      }}
    >
      <input type="hidden" name="userId" value={userId} />
      <input type="hidden" name="active" value={String(!active)} />
      <button
        type="submit"
        disabled={pending}
        className={`rounded-md px-2 py-1 text-xs font-medium disabled:opacity-60 ${active ? 'text-red-700 hover:bg-red-50' : 'text-emerald-700 hover:bg-emerald-50'}`}
      >
        {active ? 'Disable' : 'Enable'}
        <span className="sr-only">{` ${email}`}</span>
      </button>
      <Feedback state={state} />
    </ActionForm>
  );
}

/** An admin's way back in for someone locked out: a one-time password, or a fresh second factor. */
export function AccessControls({ userId, email, twoFactor, self }: { userId: number; email: string; twoFactor: boolean; self: boolean }) {
  const [passwordState, resetPassword, resettingPassword] = useActionState(resetPasswordAction, initial);
  const [factorState, resetFactor, resettingFactor] = useActionState(resetTwoFactorAction, initial);
  if (self) return <span className="text-xs text-slate-600">Your own: on your account page.</span>;
  return (
    <div className="flex flex-col items-start gap-1">
      <ActionForm action={(data) => window.confirm(`Reset the password of ${email}? Their sessions end, and they get a one-time password from you.`) && resetPassword(data)}>
        <input type="hidden" name="userId" value={userId} />
        <button type="submit" disabled={resettingPassword} className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-60">
          Reset password<span className="sr-only">{` of ${email}`}</span>
        </button>
        <Feedback state={passwordState} />
      </ActionForm>
      {twoFactor && (
        <ActionForm action={(data) => window.confirm(`Remove the second factor of ${email}? Their sessions end, and they set up a new one at their next sign-in.`) && resetFactor(data)}>
          <input type="hidden" name="userId" value={userId} />
          <button type="submit" disabled={resettingFactor} className="rounded-md px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:opacity-60">
            Reset two-factor<span className="sr-only">{` of ${email}`}</span>
          </button>
          <Feedback state={factorState} />
        </ActionForm>
      )}
    </div>
  );
}
