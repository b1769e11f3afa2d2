import type { Metadata } from 'next';
import { IstTime, StatusBadge } from '@/app/_components/format';
import { getDb } from '@/db/client';
import { ROLES } from '@/db/schema';
import { requirePagePermission } from '@/lib/auth/guards';
import { listUsers } from '@/lib/auth/users';
import { AddUserForm } from './_components/add-user-form';
import { ActiveControl, RoleControl } from './_components/user-controls';
import { DataTable } from '@/app/_components/data-table';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const me = await requirePagePermission('users.manage');
  const users = await listUsers(await getDb());
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Users</h1>
        <p className="mt-1 text-sm text-slate-600">Staff who can sign in. A role change applies on their next request; disabling ends their sessions at once.</p>
      </div>
      <AddUserForm roles={ROLES} />
      <DataTable headings={['Email', 'Name', 'Role', 'Status', 'Last sign-in (IST)', 'Created (IST)', '']}>
        {users.map((u) => {
          const self = u.id === me.id;
          return (
            <tr key={u.id} data-testid="user-row" className={u.active ? '' : 'bg-slate-50 text-slate-500'}>
              <td className="px-3 py-2 font-medium">
                {u.email}
                {self && <span className="ml-1 text-xs font-normal text-slate-500">(you)</span>}
              </td>
              <td className="px-3 py-2">{u.name ?? <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2">
                <RoleControl userId={u.id} email={u.email} role={u.role} roles={ROLES} self={self} />
              </td>
              <td className="px-3 py-2">
                <StatusBadge status={u.active ? 'active' : 'disabled'} family={u.active ? 'success' : 'cancelled'} />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <IstTime value={u.lastSignInAt} />
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <IstTime value={u.createdAt} />
              </td>
              <td className="px-3 py-2">
                <ActiveControl userId={u.id} email={u.email} active={u.active} self={self} />
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
