'use client';

import { useRouter } from 'next/navigation';
import { startTransition, useEffect } from 'react';
import { BUTTON } from '@/app/_components/ui';

/**
 * A page that failed to render (a server restarting under a live page's re-read, a database
 * hiccup) shows this inside the dashboard, with the navigation still there, and tries again by
 * itself a few times (2, 4, 8 s) before leaving it to the person. The error's details stay in the
 * server's log; the digest identifies it there.
 */
// Kept across the boundary's remounts (each failed retry mounts it again): tries in a row, reset
// once a minute has passed without an error.
const streak = { tries: 0, lastAt: 0 };

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  useEffect(() => {
    if (Date.now() - streak.lastAt > 60_000) streak.tries = 0;
    streak.lastAt = Date.now();
    if (streak.tries >= 3) return;
    const timer = setTimeout(retry, 2000 * 2 ** streak.tries++);
    return () => clearTimeout(timer);
    // Each new error (a new render of this boundary) schedules the next try.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-lg border border-amber-200 bg-amber-50 p-6 text-amber-950">
      <h1 className="text-lg font-semibold">This page could not load just now</h1>
      <p className="mt-1 text-sm">
        PayOps tries again by itself in a moment. If it keeps failing, the server or its database may be restarting.
        {error.digest ? ` Reference: ${error.digest}.` : ''}
      </p>
      <button type="button" onClick={retry} className={`mt-4 ${BUTTON.primary}`}>
        Try again now
      </button>
    </div>
  );
}
