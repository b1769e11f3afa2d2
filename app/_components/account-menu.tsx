'use client';

import Link from 'next/link';
import { DropdownMenu } from 'radix-ui';
import { useEffect, useState } from 'react';
import { applyTheme, currentTheme } from './theme-client';
import { THEMES, type Theme } from './theme';
import { MENU_ITEM, POPOVER } from './ui';

const THEME_LABEL: Record<Theme, string> = { system: 'Same as the system', light: 'Light', dark: 'Dark' };

/**
 * Who is signed in, the colour scheme and signing out, in one menu: on a phone the header keeps
 * one button instead of an email address, a role and a sign-out button side by side.
 */
export function AccountMenu({ email, role, signOutFormId }: { email: string; role: string; signOutFormId: string }) {
  const [theme, setTheme] = useState<Theme>('system');
  useEffect(() => {
    setTheme(currentTheme());
    const onTheme = (e: Event) => setTheme((e as CustomEvent<Theme>).detail);
    window.addEventListener('payops:theme', onTheme);
    return () => window.removeEventListener('payops:theme', onTheme);
  }, []);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger className="flex min-w-0 items-center gap-2 rounded-md px-1.5 py-1 text-sm text-slate-700 hover:bg-slate-100">
        <span aria-hidden className="flex size-7 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold uppercase text-white">
          {email.charAt(0)}
        </span>
        <span className="hidden min-w-0 flex-col items-start leading-tight lg:flex">
          <span className="max-w-48 truncate" data-testid="signed-in-as">
            {email}
          </span>
          <span className="text-xs uppercase tracking-wide text-slate-500">{role}</span>
        </span>
        <span className="sr-only lg:hidden">{`Account: ${email}, ${role}`}</span>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content align="end" sideOffset={6} className={`${POPOVER} w-64`}>
          <DropdownMenu.Label className="px-2 py-1.5">
            <span className="block truncate text-sm font-medium">{email}</span>
            <span className="text-xs uppercase tracking-wide text-slate-500">{role}</span>
          </DropdownMenu.Label>
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <DropdownMenu.Item asChild className={MENU_ITEM}>
            <Link href="/account">Your account: sessions, password, two-factor</Link>
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <DropdownMenu.Label className="px-2 pt-1 text-xs font-medium text-slate-500">Colour scheme</DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={theme}
            onValueChange={(v) => {
              applyTheme(v as Theme);
              setTheme(v as Theme);
            }}
          >
            {THEMES.map((t) => (
              <DropdownMenu.RadioItem key={t} value={t} className={`${MENU_ITEM} pl-7`}>
                <DropdownMenu.ItemIndicator className="absolute left-2 inline-flex">
                  <span aria-hidden className="size-2 rounded-full bg-indigo-600" />
                </DropdownMenu.ItemIndicator>
                {THEME_LABEL[t]}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
          <DropdownMenu.Item className={MENU_ITEM} onSelect={() => (document.getElementById(signOutFormId) as HTMLFormElement | null)?.requestSubmit()}>
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
