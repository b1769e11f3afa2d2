'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { BUTTON, INPUT } from '@/app/_components/ui';

/** Finds the deliveries of one transaction id (any case, or its first 6+ characters); keeps the outcome filter. */
export function DeliverySearch({ q, outcome }: { q?: string; outcome?: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [synced, setSynced] = useState(q ?? '');
  const [text, setText] = useState(q ?? '');
  if (synced !== (q ?? '')) {
    setSynced(q ?? '');
    setText(q ?? '');
  }
  const go = (value: string) => {
    const params = new URLSearchParams();
    if (outcome) params.set('outcome', outcome);
    if (value.trim()) params.set('q', value.trim());
    startTransition(() => router.push(params.size ? `/deliveries?${params}` : '/deliveries'));
  };
  return (
    <form
      role="search"
      aria-label="Find deliveries"
      aria-busy={pending}
      className="flex flex-wrap gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        go(text);
      }}
    >
      <label className="min-w-0 flex-1 basis-60">
        <span className="sr-only">Transaction id</span>
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={128}
          autoComplete="off"
          spellCheck={false}
          placeholder="Transaction id, any case, or its first 6 characters"
          className={INPUT}
        />
      </label>
      <button type="submit" className={BUTTON.primary}>
        Find
      </button>
      {q && (
        <button
          type="button"
          className={BUTTON.ghost}
          onClick={() => {
            setText('');
            go('');
          }}
        >
          Clear
        </button>
      )}
    </form>
  );
}
