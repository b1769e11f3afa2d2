'use client';

import { useActionState } from 'react';
import type { Role } from '@/db/schema/users';
import { changeRoleAction, setActiveAction, type UserFormState } from '../actions';

const initial: UserFormState = { ok: false, message: null };

function Feedback({ state }: { state: UserFormState }) {
  if (!state.message) return null;
  return (
    <p role={state.ok ? 'status' : 'alert'} className={`mt-1 max-w-56 text-xs ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
      {state.message}
    </p>
  );
}

export function RoleControl({ userId, email, role, roles, self }: { userId: number; email: string; role: Role; roles: readonly Role[]; self: boolean }) {
  const [state, action, pending] = useActionState(changeRoleAction, initial);
  return (
    <form action={action}>
      <input type="hidden" name="userId" value={userId} />
      <div className="flex items-center gap-1">
        <select name="role" defaultValue={role} aria-label={`Role of ${email}`} disabled={self} className="rounded-md border border-slate-300 bg-white px-1.5 py-1 text-sm disabled:bg-slate-50">
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        {!self && (
          <button type="submit" disabled={pending} className="rounded-md px-2 py-1 text-xs font-medium text-indigo-600 hover:bg-indigo-50 disabled:opacity-60">
            Change
          </button>
        )}
      </div>
      <Feedback state={state} />
    </form>
  );
}

export function ActiveControl({ userId, email, active, self }: { userId: number; email: string; active: boolean; self: boolean }) {
  const [state, action, pending] = useActionState(setActiveAction, initial);
  if (self) return <span className="text-xs text-slate-500">You cannot disable yourself or change your own role.</span>;
  return (
    <form
      action={action}
      onSubmit={(e) => {
        if (active && !window.confirm(`Disable ${email}? Their sessions end at once.`)) e.preventDefault();
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
      </button>
      <Feedback state={state} />
    </form>
  );
}
