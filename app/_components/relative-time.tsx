'use client';

import { useEffect, useState } from 'react';
import { formatIst, formatRelative } from '@/lib/time';
import { Tip } from './tooltip';

// One clock for every relative time on the page, ticking each half minute.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribe(listener: () => void) {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const l of listeners) l();
  }, 30_000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * "3 min ago", with the exact IST time on hover and for screen readers. `value` is ISO-8601.
 * The server renders it with its own clock; a minute turning over before hydration is expected,
 * hence suppressHydrationWarning on the text.
 */
export function RelativeTime({ value }: { value: string }) {
  const at = new Date(value);
  const [clock, setClock] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setClock(Date.now());
    tick();
    return subscribe(tick);
  }, []);
  const exact = formatIst(at);
  return (
    <Tip content={exact}>
      <time dateTime={value} className="whitespace-nowrap tabular-nums" suppressHydrationWarning>
        {formatRelative(at, new Date(clock ?? Date.now()))}
        <span className="sr-only">{` (${exact})`}</span>
      </time>
    </Tip>
  );
}
