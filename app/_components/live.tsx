'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

/** What `GET /api/live` sends (lib/live/events.ts): ids only; a page re-reads what it shows. */
export interface LiveEvent {
  id: number;
  topic: 'delivery' | 'payment';
  kind: string;
  paymentId: number | null;
  deliveryId: number | null;
}

/** An event, or "you may have missed some: re-read everything". */
export type LiveNotice = { type: 'event'; event: LiveEvent } | { type: 'resync' };
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to `topics` (`payments`, `deliveries`, `payment:{id}`, comma-separated) from
 * `after`, the last live event the server had when it rendered the page, so nothing that
 * happened while the page loaded is missed. The browser's EventSource reconnects by itself with
 * the last event id it got; a refused request (401, 503) ends an EventSource for good, so then
 * this reconnects itself, with backoff.
 */
export function useLiveEvents(topics: string, after: number, onNotice: (notice: LiveNotice) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onNotice);
  useEffect(() => {
    handler.current = onNotice;
  });
  // Read when the stream starts: later renders (router.refresh) bring a newer snapshot but must
  // not restart the stream; other topics (another payment's page) start from the page's own.
  const snapshot = useRef(after);
  useEffect(() => {
    snapshot.current = after;
  });

  useEffect(() => {
    let lastId = snapshot.current;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let wasDown = false;
    const connect = () => {
      const es = new EventSource(`/api/live?topics=${encodeURIComponent(topics)}&after=${lastId}`);
      source = es;
      es.onopen = () => {
        failures = 0;
        setStatus('live');
        // Back after a drop: whatever a re-read skipped while the server was away is read now.
        if (wasDown) handler.current({ type: 'resync' });
        wasDown = false;
      };
      es.onmessage = (m) => {
        const id = Number(m.lastEventId);
        if (Number.isSafeInteger(id) && id > lastId) lastId = id;
        try {
          handler.current({ type: 'event', event: JSON.parse(m.data) as LiveEvent });
        } catch {
          // not an event this page understands
        }
      };
      es.addEventListener('resync', () => handler.current({ type: 'resync' }));
      // The server says whether it is hearing changes at all (its database connection may be down).
      es.addEventListener('status', (m) => {
        try {
          setStatus((JSON.parse((m as MessageEvent<string>).data) as { listening: boolean }).listening ? 'live' : 'reconnecting');
        } catch {
          // ignore
        }
      });
      es.onerror = () => {
        setStatus('reconnecting');
        wasDown = true;
        if (es.readyState !== EventSource.CLOSED) return; // the browser is retrying by itself
        es.close();
        retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** failures++));
      };
    };
    connect();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [topics]);
  return status;
}

/**
 * Runs `work` soon after a trigger, at most once per `gapMs`, never two at once: a burst of
 * events (a delivery is two: the payment and the delivery) becomes one re-read.
 */
export function useCoalesced(work: () => unknown, gapMs = 1000): () => void {
  const workRef = useRef(work);
  useEffect(() => {
    workRef.current = work;
  });
  const state = useRef({ timer: undefined as ReturnType<typeof setTimeout> | undefined, running: false, again: false, last: 0 });
  useEffect(() => () => clearTimeout(state.current.timer), []);
  const trigger = useCallback(() => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer) return;
    s.timer = setTimeout(async () => {
      s.timer = undefined;
      s.running = true;
      s.last = Date.now();
      try {
        await workRef.current();
      } catch {
        // the next event tries again
      } finally {
        s.running = false;
        if (s.again) {
          s.again = false;
          trigger();
        }
      }
    }, Math.max(150, s.last + gapMs - Date.now()));
  }, [gapMs]);
  return trigger;
}

export function LiveIndicator({ status }: { status: LiveStatus }) {
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span data-testid="live-status" data-status={status} title="Updates as payments and deliveries arrive" className="inline-flex items-center gap-1.5 text-xs text-slate-500">
      <span aria-hidden className={`h-2 w-2 rounded-full ${status === 'live' ? 'bg-emerald-500' : 'animate-pulse bg-amber-400'}`} />
      {label}
    </span>
  );
}

/**
 * How recently someone must have used this tab for live updates to re-read the page by themselves.
 * Each re-read is a request that slides the session's idle expiry (proxy.ts), so a page left open
 * must stop re-reading, or it would keep its session alive for ever: after this long without a
 * key, click, scroll or pointer move (or while the tab is hidden) updates wait, and the first sign
 * of someone back brings them in. The session so ends at most this long after the idle limit.
 */
export const LIVE_ACTIVE_MS = 2 * 60_000;

let lastActivity = Date.now();
const backAgain = new Set<() => void>();
if (typeof window !== 'undefined') {
  const active = () => {
    lastActivity = Date.now();
    // Each waits only if it has updates waiting.
    if (document.visibilityState === 'visible') for (const fn of backAgain) fn();
  };
  for (const type of ['pointerdown', 'pointermove', 'keydown', 'scroll', 'wheel', 'touchstart']) window.addEventListener(type, active, { passive: true, capture: true });
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && active());
}

async function serverAnswers(): Promise<boolean> {
  try {
    return (await fetch('/api/health/live', { cache: 'no-store', signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** Whether a live update may re-read the page now (pure, for tests). */
export function someoneIsThere(now: number, lastActive: number, visible: boolean): boolean {
  return visible && now - lastActive < LIVE_ACTIVE_MS;
}

/** router.refresh() for live updates: coalesced, and only while someone is using the tab (LIVE_ACTIVE_MS). */
export function useLiveRefresh(): () => void {
  const router = useRouter();
  const refresh = useCoalesced(async () => {
    // A re-read that cannot reach the server makes Next load the page in full, which shows the
    // browser's "cannot connect" page instead of the data the person was looking at. So only when
    // the server answers; otherwise the stream's reconnect asks again (a `resync`).
    if (await serverAnswers()) router.refresh();
  });
  const pending = useRef(false);
  useEffect(() => {
    const onBack = () => {
      if (!pending.current) return;
      pending.current = false;
      refresh();
    };
    backAgain.add(onBack);
    return () => void backAgain.delete(onBack);
  }, [refresh]);
  return useCallback(() => {
    if (someoneIsThere(Date.now(), lastActivity, document.visibilityState === 'visible')) refresh();
    else pending.current = true;
  }, [refresh]);
}

/** Re-renders the page (its server components re-read the database) whenever something on `topics` changes. */
export function LiveRefresh({ topics, after }: { topics: string; after: number }) {
  const refresh = useLiveRefresh();
  const status = useLiveEvents(topics, after, refresh);
  return <LiveIndicator status={status} />;
}
