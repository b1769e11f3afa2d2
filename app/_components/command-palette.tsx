'use client';

import { Command } from 'cmdk';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Dialog } from 'radix-ui';
import { useCallback, useEffect, useState } from 'react';
import { applyTheme } from './theme-client';

export interface PaletteProps {
  pages: { href: string; label: string }[];
  views: { id: number; name: string; query: string; shared: boolean }[];
  canExport: boolean;
  signOutFormId: string;
}

/** Opens the palette from anywhere (the header's search button dispatches this). */
export const OPEN_PALETTE_EVENT = 'payops:palette';
/** Asks the payments page to open its "Save view" dialog. */
export const SAVE_VIEW_EVENT = 'payops:save-view';

const typing = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.getAttribute('role') === 'combobox');

const ITEM = 'flex cursor-default select-none items-center justify-between gap-3 rounded-md px-3 py-2 text-sm text-slate-800 aria-selected:bg-indigo-600 aria-selected:text-white';
const GROUP = '[&_[cmdk-group-heading]]:px-3 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:pt-3 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-slate-500';

/**
 * ⌘K / Ctrl-K or "/" from any page: paste any id of a payment to open it, jump to a page or a
 * saved view, or run an action. Built on cmdk inside a Radix dialog (focus trap, Escape, a title).
 */
export function CommandPalette({ pages, views, canExport, signOutFormId }: PaletteProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams().toString();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.key === 'k' || e.key === 'K') && (e.metaKey || e.ctrlKey)) {
        e.preventDefault();
        setOpen((o) => !o);
      } else if (e.key === '/' && !e.metaKey && !e.ctrlKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        setOpen(true);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener(OPEN_PALETTE_EVENT, onOpen);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener(OPEN_PALETTE_EVENT, onOpen);
    };
  }, []);

  const run = useCallback((action: () => void) => {
    setOpen(false);
    setText('');
    action();
  }, []);
  const go = (href: string) => run(() => router.push(href));
  const query = text.trim();
  const onPayments = pathname === '/payments';

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setText('');
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content
          aria-describedby={undefined}
          className="fixed left-1/2 top-[12vh] z-50 w-[min(40rem,calc(100vw-2rem))] -translate-x-1/2 overflow-hidden rounded-xl border border-slate-200 bg-white shadow-2xl"
        >
          <Dialog.Title className="sr-only">Search or jump to</Dialog.Title>
          <Command label="Search or jump to" loop>
            <Command.Input
              value={text}
              onValueChange={setText}
              placeholder="Paste a payment id, or type a page or an action…"
              className="w-full border-b border-slate-200 bg-transparent px-4 py-3 text-base text-slate-900 outline-none placeholder:text-slate-500"
            />
            <Command.List className="max-h-[min(24rem,60vh)] overflow-y-auto p-2">
              <Command.Empty className="px-3 py-6 text-center text-sm text-slate-600">Nothing matches. Press Enter on “Find payments” to search.</Command.Empty>
              {query && (
                <Command.Group heading="Payments" forceMount className={GROUP}>
                  <Command.Item forceMount value={`open-payment ${query}`} onSelect={() => go(`/payments/go?q=${encodeURIComponent(query)}`)} className={ITEM}>
                    <span className="min-w-0 truncate">
                      Open the payment <span className="font-mono">{query}</span>
                    </span>
                    <kbd className="text-xs opacity-70">↵</kbd>
                  </Command.Item>
                  <Command.Item forceMount value={`find-payments ${query}`} onSelect={() => go(`/payments?q=${encodeURIComponent(query)}`)} className={ITEM}>
                    <span className="min-w-0 truncate">
                      Find payments matching <span className="font-mono">{query}</span>
                    </span>
                  </Command.Item>
                </Command.Group>
              )}
              <Command.Group heading="Go to" className={GROUP}>
                {pages.map((p) => (
                  <Command.Item key={p.href} value={`page ${p.label}`} keywords={[p.href]} onSelect={() => go(p.href)} className={ITEM}>
                    {p.label}
                  </Command.Item>
                ))}
              </Command.Group>
              {views.length > 0 && (
                <Command.Group heading="Saved views" className={GROUP}>
                  {views.map((v) => (
                    <Command.Item key={v.id} value={`view ${v.id} ${v.name}`} keywords={[v.name]} onSelect={() => go(v.query ? `/payments?${v.query}` : '/payments')} className={ITEM}>
                      <span className="min-w-0 truncate">{v.name}</span>
                      {v.shared && <span className="text-xs opacity-70">shared</span>}
                    </Command.Item>
                  ))}
                </Command.Group>
              )}
              <Command.Group heading="Actions" className={GROUP}>
                {onPayments && (
                  <Command.Item value="action save view" keywords={['save', 'view', 'bookmark']} onSelect={() => run(() => window.dispatchEvent(new Event(SAVE_VIEW_EVENT)))} className={ITEM}>
                    Save these filters as a view…
                  </Command.Item>
                )}
                {onPayments && canExport && (
                  <Command.Item
                    value="action export csv"
                    keywords={['download', 'export', 'csv']}
                    onSelect={() => run(() => window.location.assign(`/payments/export${search ? `?${search}` : ''}`))}
                    className={ITEM}
                  >
                    Export these payments as CSV
                  </Command.Item>
                )}
                <Command.Item value="action copy link" keywords={['copy', 'link', 'url', 'share']} onSelect={() => run(() => void navigator.clipboard?.writeText(window.location.href))} className={ITEM}>
                  Copy a link to this page
                </Command.Item>
                <Command.Item value="action theme dark" keywords={['dark', 'theme', 'night']} onSelect={() => run(() => applyTheme('dark'))} className={ITEM}>
                  Switch to dark mode
                </Command.Item>
                <Command.Item value="action theme light" keywords={['light', 'theme']} onSelect={() => run(() => applyTheme('light'))} className={ITEM}>
                  Switch to light mode
                </Command.Item>
                <Command.Item value="action theme system" keywords={['system', 'theme', 'auto']} onSelect={() => run(() => applyTheme('system'))} className={ITEM}>
                  Use the system’s colour scheme
                </Command.Item>
                <Command.Item
                  value="action sign out"
                  keywords={['log out', 'logout', 'sign out']}
                  onSelect={() => run(() => (document.getElementById(signOutFormId) as HTMLFormElement | null)?.requestSubmit())}
                  className={ITEM}
                >
                  Sign out
                </Command.Item>
              </Command.Group>
            </Command.List>
          </Command>
          <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-600">
            <kbd className="font-sans">↑</kbd> <kbd className="font-sans">↓</kbd> to move · <kbd className="font-sans">↵</kbd> to choose · <kbd className="font-sans">Esc</kbd> to close
          </p>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** The header's way into the palette, showing its shortcut. */
export function PaletteButton() {
  return (
    <button
      type="button"
      onClick={() => window.dispatchEvent(new Event(OPEN_PALETTE_EVENT))}
      className="flex items-center gap-2 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-600 shadow-sm hover:bg-slate-50"
    >
      <svg aria-hidden viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.75">
        <circle cx="7" cy="7" r="4.5" />
        <path d="M10.5 10.5L14 14" strokeLinecap="round" />
      </svg>
      <span className="hidden sm:inline">Search or jump to…</span>
      <span className="sr-only sm:hidden">Search or jump to</span>
      <kbd className="hidden rounded border border-slate-300 px-1 font-sans text-xs text-slate-500 md:inline">Ctrl K</kbd>
    </button>
  );
}
