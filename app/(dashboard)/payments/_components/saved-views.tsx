'use client';

import { useSearchParams } from 'next/navigation';
import { Dialog, DropdownMenu } from 'radix-ui';
import { useEffect, useId, useState, useTransition } from 'react';
import { SAVE_VIEW_EVENT } from '@/app/_components/command-palette';
import { BUTTON, INPUT, LABEL, MENU_ITEM, POPOVER } from '@/app/_components/ui';
import type { ViewListItem } from '@/lib/views/views';
import { deleteViewAction, pinViewAction, saveViewAction, shareViewAction, type ViewActionState } from '../view-actions';

const hrefOf = (query: string) => (query ? `/payments?${query}` : '/payments');

/**
 * Saved views of the payments list: a menu of one's own and the team's views (open, pin to the
 * navigation, share, delete), and the "Save view" dialog naming the filters in the address now.
 */
export function SavedViews({ views, canShare, canManageShared }: { views: ViewListItem[]; canShare: boolean; canManageShared: boolean }) {
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState<ViewActionState | null>(null);
  const [pending, startTransition] = useTransition();
  const current = useSearchParams().toString();
  const mine = views.filter((v) => v.mine);
  const team = views.filter((v) => !v.mine);

  useEffect(() => {
    const open = () => setSaving(true);
    window.addEventListener(SAVE_VIEW_EVENT, open);
    return () => window.removeEventListener(SAVE_VIEW_EVENT, open);
  }, []);

  const act = (run: () => Promise<ViewActionState>) => startTransition(async () => setStatus(await run()));

  const viewItem = (v: ViewListItem) => (
    <DropdownMenu.Sub key={v.id}>
      <DropdownMenu.SubTrigger className={`${MENU_ITEM} justify-between ${v.query === current ? 'font-semibold' : ''}`}>
        <span className="min-w-0 truncate">
          {v.pinned && <span aria-hidden className="mr-1 text-amber-600">★</span>}
          {v.name}
          {v.pinned && <span className="sr-only"> (pinned)</span>}
        </span>
        <span className="flex shrink-0 items-center gap-1 text-xs text-slate-500">
          {v.mine && v.shared && 'shared'}
          {!v.mine && <span className="max-w-24 truncate">{v.ownerEmail}</span>}
          <span aria-hidden>›</span>
        </span>
      </DropdownMenu.SubTrigger>
      <DropdownMenu.Portal>
        <DropdownMenu.SubContent sideOffset={4} className={`${POPOVER} w-56`}>
          <DropdownMenu.Item asChild className={MENU_ITEM}>
            <a href={hrefOf(v.query)}>Open</a>
          </DropdownMenu.Item>
          <DropdownMenu.Item className={MENU_ITEM} onSelect={() => act(() => pinViewAction(v.id, !v.pinned))}>
            {v.pinned ? 'Unpin from the navigation' : 'Pin to the navigation'}
          </DropdownMenu.Item>
          {v.mine && (canShare || v.shared) && (
            <DropdownMenu.Item className={MENU_ITEM} onSelect={() => act(() => shareViewAction(v.id, !v.shared))}>
              {v.shared ? 'Make private' : 'Share with the team'}
            </DropdownMenu.Item>
          )}
          {(v.mine || canManageShared) && (
            <DropdownMenu.Item
              className={`${MENU_ITEM} text-red-700`}
              onSelect={() => {
                if (window.confirm(`Delete the view “${v.name}”${v.shared ? ' for everyone' : ''}?`)) act(() => deleteViewAction(v.id));
              }}
            >
              Delete
            </DropdownMenu.Item>
          )}
        </DropdownMenu.SubContent>
      </DropdownMenu.Portal>
    </DropdownMenu.Sub>
  );

  return (
    <div className="flex flex-wrap items-center gap-2">
      <DropdownMenu.Root>
        <DropdownMenu.Trigger className={BUTTON.secondary} disabled={pending}>
          Views{views.length > 0 ? ` (${views.length})` : ''}
          <span aria-hidden>▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content align="end" sideOffset={4} className={`${POPOVER} w-72 max-w-[calc(100vw-1rem)]`}>
            <DropdownMenu.Label className="px-2 pb-1 pt-1.5 text-xs font-medium text-slate-500">Your views</DropdownMenu.Label>
            {mine.length ? mine.map(viewItem) : <p className="px-2 py-1.5 text-sm text-slate-600">None yet.</p>}
            {team.length > 0 && (
              <>
                <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
                <DropdownMenu.Label className="px-2 pb-1 pt-1.5 text-xs font-medium text-slate-500">Shared with the team</DropdownMenu.Label>
                {team.map(viewItem)}
              </>
            )}
            <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
            <DropdownMenu.Item className={MENU_ITEM} onSelect={() => setSaving(true)}>
              Save these filters as a view…
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <button type="button" className={BUTTON.secondary} onClick={() => setSaving(true)}>
        Save view
      </button>
      <SaveViewDialog
        open={saving}
        onOpenChange={setSaving}
        query={current}
        canShare={canShare}
        onSaved={(s) => {
          setStatus(s);
          setSaving(false);
        }}
      />
      <p role="status" data-testid="views-status" className={status ? `w-full text-sm ${status.ok ? 'text-emerald-700' : 'text-red-700'}` : 'sr-only'}>
        {status?.message ?? ''}
      </p>
    </div>
  );
}

function SaveViewDialog({
  open,
  onOpenChange,
  query,
  canShare,
  onSaved,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  query: string;
  canShare: boolean;
  onSaved: (state: ViewActionState) => void;
}) {
  const id = useId();
  const [state, setState] = useState<ViewActionState | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(o) => {
        onOpenChange(o);
        if (!o) setState(null);
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <Dialog.Content
          aria-describedby={`${id}-desc`}
          className="fixed left-1/2 top-[15vh] z-50 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 rounded-xl border border-slate-200 bg-white p-5 shadow-2xl"
        >
          <Dialog.Title className="text-base font-semibold text-slate-900">Save this view</Dialog.Title>
          <Dialog.Description id={`${id}-desc`} className="mt-1 text-sm text-slate-600">
            Keeps the filters and order shown now under a name. Saving a name you used before replaces its filters.
          </Dialog.Description>
          <form
            className="mt-4 space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              const data = new FormData(e.currentTarget);
              startTransition(async () => {
                const result = await saveViewAction(data);
                setState(result);
                if (result.ok) onSaved(result);
              });
            }}
          >
            <input type="hidden" name="query" value={query} />
            <label className={LABEL}>
              Name
              <input name="name" required maxLength={60} autoComplete="off" placeholder="e.g. Failed UPI today" className={`${INPUT} mt-1`} />
              {state?.fieldErrors?.name && <span className="mt-1 block text-xs text-red-700">{state.fieldErrors.name}</span>}
            </label>
            {canShare && (
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <input type="checkbox" name="shared" className="size-4 accent-indigo-600" />
                Share with the team (recorded in the audit log)
              </label>
            )}
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name="pinned" defaultChecked className="size-4 accent-indigo-600" />
              Pin to the navigation
            </label>
            {state && !state.ok && (
              <p role="alert" className="text-sm text-red-700">
                {state.message}
              </p>
            )}
            <div className="flex justify-end gap-2 pt-1">
              <Dialog.Close className={BUTTON.ghost}>Cancel</Dialog.Close>
              <button type="submit" disabled={pending} className={BUTTON.primary}>
                {pending ? 'Saving…' : 'Save view'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
