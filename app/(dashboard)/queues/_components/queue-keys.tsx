'use client';

import { useEffect, useRef } from 'react';

/**
 * j / k move through a queue's rows, Enter opens the one in focus (it is a link). The rows are
 * `[data-queue-row]` inside this wrapper, each with one `[data-queue-link]`. Keys typed into a
 * field, or with a modifier, are left alone.
 */
export function QueueKeys({ children, label }: { children: React.ReactNode; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || (e.key !== 'j' && e.key !== 'k')) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.closest('[role="dialog"],[role="listbox"]'))) return;
      const links = [...(box.current?.querySelectorAll<HTMLAnchorElement>('[data-queue-row] [data-queue-link]') ?? [])];
      if (links.length === 0) return;
      e.preventDefault();
      const at = links.findIndex((l) => l === document.activeElement);
      const next = at === -1 ? 0 : Math.min(links.length - 1, Math.max(0, at + (e.key === 'j' ? 1 : -1)));
      links[next].focus();
      links[next].closest('[data-queue-row]')?.scrollIntoView({ block: 'nearest' });
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  return (
    <div ref={box} aria-label={label} role="region" aria-keyshortcuts="j k Enter">
      <p className="mb-2 text-xs text-slate-600">
        <kbd className="rounded border border-slate-300 px-1">j</kbd> / <kbd className="rounded border border-slate-300 px-1">k</kbd> to move,{' '}
        <kbd className="rounded border border-slate-300 px-1">Enter</kbd> to open.
      </p>
      {children}
    </div>
  );
}
