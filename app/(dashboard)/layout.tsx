import Link from 'next/link';
import { requireUser } from '@/lib/auth/guards';
import { can, type Permission } from '@/lib/auth/permissions';
import { AlertBanner } from './_components/alert-banner';
import { signOutAction } from './actions';

const NAV: { href: string; label: string; permission: Permission }[] = [
  { href: '/payments', label: 'Payments', permission: 'payments.read' },
  { href: '/finance', label: 'Finance', permission: 'finance.read' },
  { href: '/deliveries', label: 'Deliveries', permission: 'deliveries.read' },
  { href: '/audit', label: 'Audit log', permission: 'audit.read' },
  { href: '/operations', label: 'Operations', permission: 'operations.manage' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts.read' },
  { href: '/admin/users', label: 'Users', permission: 'users.manage' },
];

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center gap-8 px-6 py-3">
          <Link href="/payments" className="text-lg font-semibold tracking-tight">
            PayOps
          </Link>
          <nav aria-label="Main" className="flex gap-1 text-sm">
            {NAV.filter((item) => can(user.role, item.permission)).map((item) => (
              <Link key={item.href} href={item.href} className="rounded-md px-3 py-1.5 font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-slate-600" data-testid="signed-in-as">
              {user.email}
            </span>
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium uppercase tracking-wide text-slate-700">{user.role}</span>
            <form action={signOutAction}>
              <button type="submit" className="rounded-md px-2 py-1 text-slate-600 hover:bg-slate-100 hover:text-slate-900">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <AlertBanner role={user.role} />
      <main className="mx-auto max-w-7xl px-6 py-6">{children}</main>
    </div>
  );
}
