import type { Metadata } from 'next';
import { Dash, IstTime, StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { ROLES } from '@/db/schema';
import Link from 'next/link';
import { LINK } from '@/app/_components/ui';
import { requirePagePermission, steppedUp } from '@/lib/auth/guards';
import { secondFactorRequired } from '@/lib/auth/second-factor';
import { listUsers } from '@/lib/auth/users';
import { RelativeTime } from '@/app/_components/relative-time';
import { AddUserForm } from './_components/add-user-form';
import { AccessControls, ActiveControl, RoleControl } from './_components/user-controls';
import { Cell, DataTable } from '@/app/_components/data-table';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const me = await requirePagePermission('users.manage');
  const users = await listUsers(await getDb());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Users</h1>
        <p className="mt-1 text-sm text-slate-600">
          Staff who can sign in. A role change, a disabled account and a reset password or second factor end that person&apos;s sessions at once.
        </p>
      </div>
      {!steppedUp(me) && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Changing users needs a recent code from your authenticator app.{' '}
          <Link className={LINK} href="/login/step-up?next=/admin/users">
            Confirm it is you
          </Link>
        </p>
      )}
      <AddUserForm roles={ROLES} />
      <DataTable caption="Staff users" headings={['Email', 'Name', 'Role', 'Status', 'Two-factor', 'Last sign-in', 'Created (IST)', 'Access', '']}>
        {users.map((u) => {
          const self = u.id === me.id;
          return (
            <tr key={u.id} id={`user-${u.id}`} data-testid="user-row" className={u.active ? '' : 'bg-slate-50 text-slate-600'}>
              <Cell label="Email" className="px-3 py-2 font-medium [overflow-wrap:anywhere]">
                {u.email}
                {self && <span className="ml-1 text-xs font-normal text-slate-600">(you)</span>}
              </Cell>
              <Cell label="Name" className="px-3 py-2">{u.name ?? <Dash />}</Cell>
              <Cell label="Role" className="px-3 py-2">
                <RoleControl userId={u.id} email={u.email} role={u.role} roles={ROLES} self={self} />
              </Cell>
              <Cell label="Status" className="px-3 py-2">
                <StatusBadge status={u.active ? 'active' : 'disabled'} label={u.active ? 'Active' : 'Disabled'} family={u.active ? 'success' : 'cancelled'} />
              </Cell>
              <Cell label="Two-factor" className="whitespace-nowrap px-3 py-2 text-xs">
                {u.totpEnabledAt ? 'On' : secondFactorRequired(u.role) ? <span className="text-amber-800">Set up at next sign-in</span> : 'Off'}
              </Cell>
              <Cell label="Last sign-in" className="whitespace-nowrap px-3 py-2">
                {u.lastSignInAt ? <RelativeTime value={u.lastSignInAt.toISOString()} /> : <Dash />}
              </Cell>
              <Cell label="Created" className="whitespace-nowrap px-3 py-2">
                <IstTime value={u.createdAt} />
              </Cell>
              <Cell label="Access" className="px-3 py-2">
                <AccessControls userId={u.id} email={u.email} twoFactor={!!u.totpEnabledAt} self={self} />
              </Cell>
              <Cell label="" className="px-3 py-2">
                <ActiveControl userId={u.id} email={u.email} active={u.active} self={self} />
              </Cell>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
