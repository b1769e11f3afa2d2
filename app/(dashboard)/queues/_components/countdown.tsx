'use client';

import { useEffect, useState } from 'react';

/** "2 min" since `from`, ticking every second's worth of change (every 15 s): a queue's age. */
export function Age({ from }: { from: string }) {
  const now = useNow(15_000);
  return (
    <span className="tabular-nums" suppressHydrationWarning>
      {formatSpan(now - new Date(from).getTime())}
    </span>
  );
}

/** "closes in 4 min" / "closed": the OTP window's end. */
export function ClosesIn({ at }: { at: string }) {
  const now = useNow(15_000);
  const left = new Date(at).getTime() - now;
  return (
    <span className="tabular-nums" suppressHydrationWarning>
      {left <= 0 ? 'closed' : `in ${formatSpan(left)}`}
    </span>
  );
}

/** Hides its children once `until` has passed (a lapsed claim), without waiting for a re-read. */
export function Until({ until, children }: { until: string; children: React.ReactNode }) {
  const now = useNow(5_000);
  return now < new Date(until).getTime() ? <>{children}</> : null;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} days`;
}
