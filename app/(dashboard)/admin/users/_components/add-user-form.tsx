'use client';

import { useActionState, useEffect, useRef } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { Select } from '@/app/_components/select';
import { BUTTON, INPUT } from '@/app/_components/ui';
import type { Role } from '@/db/schema/users';
import { createUserAction, type UserFormState } from '../actions';
import { roleOptions } from './user-controls';

const input = `${INPUT} mt-1`;

/** Adding a user: a refusal keeps everything typed and chosen; a success clears the form for the next one. */
export function AddUserForm({ roles }: { roles: readonly Role[] }) {
  const [state, action, pending] = useActionState<UserFormState, FormData>(createUserAction, { ok: false, message: null });
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) form.current?.reset();
  }, [state]);
  const error = (field: string) =>
    state.fieldErrors?.[field] && <span className="mt-1 block text-xs text-red-700">{state.fieldErrors[field]}</span>;
  return (
    <ActionForm ref={form} action={action} className="rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="add-user-heading">
      <h2 id="add-user-heading" className="text-sm font-semibold">
        Add a user
      </h2>
      <div className="mt-3 grid grid-cols-1 gap-3 md:grid-cols-5">
        <label className="block text-xs font-medium text-slate-600 md:col-span-2">
          Email
          <input name="email" type="email" required autoComplete="off" className={input} />
          {error('email')}
        </label>
        <label className="block text-xs font-medium text-slate-600">
          Name
          <input name="name" autoComplete="off" className={input} />
          {error('name')}
        </label>
        <div>
          <Select name="role" label="Role" options={roleOptions(roles)} defaultValue="support" />
          {error('role')}
        </div>
        <label className="block text-xs font-medium text-slate-600">
          Password
          <input name="password" type="password" autoComplete="new-password" placeholder="empty: generate one" className={input} />
          {error('password')}
        </label>
      </div>
      <div className="mt-3 flex items-center gap-3">
        <button type="submit" disabled={pending} className={BUTTON.primary}>
          {pending ? 'Adding…' : 'Add user'}
        </button>
        {state.message && (
          <p role={state.ok ? 'status' : 'alert'} className={`text-sm ${state.ok ? 'text-emerald-700' : 'text-red-700'}`}>
            {state.message}
          </p>
        )}
      </div>
      {state.ok && state.password && (
        <div role="status" data-testid="generated-password" className="mt-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Their password is <code className="rounded bg-white px-1.5 py-0.5 font-mono text-slate-900 select-all">{state.password}</code>. It is shown only
          this once: pass it on securely now.
        </div>
      )}
    </ActionForm>
  );
}
