import Link from 'next/link';
import { Suspense } from 'react';
import { AccountMenu } from '@/app/_components/account-menu';
import { CommandPalette, PaletteButton } from '@/app/_components/command-palette';
import { NavLinks } from '@/app/_components/nav-links';
import { TooltipProvider } from '@/app/_components/tooltip';
import { requireUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { viewsFor } from './views-data';
import { AlertBanner } from './_components/alert-banner';
import { signOutAction } from './actions';
import { NAV } from './nav';
import { countsFor } from './queues/data';

const SIGN_OUT_FORM = 'sign-out-form';

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const pages = NAV.filter((item) => can(user.role, item.permission)).map(({ href, label, badge }) => ({ href, label, badge }));
  const counts: Record<string, number | undefined> = pages.some((p) => p.badge) ? { ...(await countsFor(user)) } : {};
  const views = can(user.role, 'payments.read') ? await viewsFor(user.id) : [];
  const pinned = views.filter((v) => v.pinned).map(({ id, name, query }) => ({ id, name, query }));
  return (
    <TooltipProvider>
      <div className="min-h-screen">
        <a
          href="#main"
          className="sr-only rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2 sm:px-6">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight">
              <svg aria-hidden viewBox="0 0 32 32" className="size-6">
                <rect width="32" height="32" rx="7" className="fill-indigo-600" />
                <path d="M10 23V9h7a5 5 0 0 1 0 10h-3v4z" className="fill-white" />
              </svg>
              PayOps
            </Link>
            <div className="ml-auto flex items-center gap-2 md:order-last">
              <PaletteButton />
              <AccountMenu email={user.email} role={user.role} signOutFormId={SIGN_OUT_FORM} />
              <form id={SIGN_OUT_FORM} action={signOutAction} hidden />
            </div>
            <div className="w-full min-w-0 md:w-auto md:flex-1">
              <Suspense fallback={<nav aria-label="Main" className="h-8" />}>
                <NavLinks items={pages} views={pinned} counts={counts} />
              </Suspense>
            </div>
          </div>
        </header>
        <AlertBanner role={user.role} />
        <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6">
          {children}
        </main>
        <Suspense fallback={null}>
          <CommandPalette
            pages={pages.map(({ href, label }) => ({ href, label }))}
            views={views.map(({ id, name, query, shared }) => ({ id, name, query, shared }))}
            canExport={can(user.role, 'payments.export')}
            signOutFormId={SIGN_OUT_FORM}
          />
        </Suspense>
      </div>
    </TooltipProvider>
  );
}
