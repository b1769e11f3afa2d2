'use client';

import { useRouter } from 'next/navigation';

const INTERACTIVE = 'a, button, input, select, textarea, label, summary, [role="button"], [role="combobox"], [data-no-row-link]';

/**
 * Makes every row with a `data-href` open that page when clicked anywhere, as a dashboard's
 * rows do. The row's own link stays the way in for the keyboard and without script; a click on
 * a control inside the row, a text selection, or a modifier-click (new tab) behaves as usual.
 */
export function RowLinks({ children, className }: { children: React.ReactNode; className?: string }) {
  const router = useRouter();
  return (
    <div
      className={className}
      onClick={(e) => {
        const target = e.target as HTMLElement;
        if (e.defaultPrevented || e.button !== 0 || target.closest(INTERACTIVE)) return;
        const row = target.closest<HTMLElement>('[data-href]');
        if (!row || !e.currentTarget.contains(row)) return;
        if (window.getSelection()?.toString()) return;
        const href = row.dataset.href!;
        if (e.metaKey || e.ctrlKey || e.shiftKey) window.open(href, '_blank', 'noopener');
        else router.push(href);
      }}
    >
      {children}
    </div>
  );
}
