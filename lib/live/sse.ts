import type { DbOrTx } from '@/db/client';
import { liveEventRange, readLiveEvents, type LiveEvent } from './events';
import { matchesAny, type LiveChannel, type LiveMessage } from './hub';
import type { Live } from './instance';

export interface LiveStreamOptions {
  live: Pick<Live, 'hub' | 'source' | 'db'>;
  channels: readonly LiveChannel[];
  /** The last event the page has seen (Last-Event-ID, or `?after=` on the first connect); null: from now on. */
  after: number | null;
  /** The request's signal: the stream ends when the browser goes. */
  signal?: AbortSignal;
  /** A comment line this often, so proxies and load balancers keep an idle stream open. */
  heartbeatMs?: number;
  /**
   * A stream ends after about this long and the browser reconnects at once from its last event
   * id: each reconnect is authorised again, so a disabled account or an ended session stops
   * receiving within this time.
   */
  maxAgeMs?: number;
  /** What the browser waits before reconnecting (the `retry:` field). */
  retryMs?: number;
  /** A page further behind than this many events is told to resync instead of replayed to. */
  replayMax?: number;
  readyTimeoutMs?: number;
}

export const LIVE_DEFAULTS = { heartbeatMs: 15_000, maxAgeMs: 5 * 60_000, retryMs: 2_000, replayMax: 1000, readyTimeoutMs: 5_000 };
/** Chunks waiting for a browser that does not read: past this the stream is ended (it reconnects and catches up). */
const MAX_QUEUED = 1000;

// One event goes to every open stream of the process: its JSON is written once, not once per stream.
const serialised = new WeakMap<LiveEvent, string>();
const dataLine = (e: LiveEvent) => {
  let text = serialised.get(e);
  if (text === undefined) serialised.set(e, (text = `data: ${JSON.stringify(e)}\n\n`));
  return text;
};

/** The last-event id a request resumes from: the Last-Event-ID header (a reconnect), else `?after=`. */
export function resumeFrom(req: Request): number | null {
  const raw = req.headers.get('last-event-id') ?? new URL(req.url).searchParams.get('after');
  if (raw === null || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/** What a page that has seen everything up to `after` missed, or `resync` when that cannot be told from what is kept. */
async function replayFrom(db: DbOrTx, after: number, max: number): Promise<{ events: LiveEvent[]; resync: boolean }> {
  const { first, last } = await liveEventRange(db);
  // An id from the future (the database was restored) or from before what is kept (pruned).
  if (after > last || (first > after + 1 && after > 0)) return { events: [], resync: after !== last };
  if (after === last) return { events: [], resync: false };
  const events = await readLiveEvents(db, { after, limit: max + 1 });
  return events.length > max ? { events: [], resync: true } : { events, resync: false };
}

/**
 * A Server-Sent Events stream of the events on `channels`: first what the page missed since
 * `after` (from live_events), then live ones as this process's listener hears them. Each event
 * is `id: <live_events.id>` and `data: {id, topic, kind, paymentId, deliveryId}`; `event: resync`
 * means "re-read everything", `event: status` says whether this process is listening. The caller
 * has authorised every channel.
 */
export async function openLiveStream(options: LiveStreamOptions): Promise<Response> {
  const o = { ...LIVE_DEFAULTS, ...options };
  // Subscribed before the replay is read, so nothing falls between the two; held until it is sent.
  const held: LiveMessage[] = [];
  let deliver: ((m: LiveMessage) => void) | null = null;
  const unsubscribe = o.live.hub.subscribe((m) => (deliver ? deliver(m) : held.push(m)));
  let replay: { events: LiveEvent[]; resync: boolean };
  try {
    await o.live.source.ready(o.readyTimeoutMs);
    replay = o.after === null ? { events: [], resync: false } : await replayFrom(o.live.db, o.after, o.replayMax);
  } catch (err) {
    unsubscribe();
    throw err;
  }

  const encoder = new TextEncoder();
  let heartbeat: NodeJS.Timeout | undefined;
  let maxAge: NodeJS.Timeout | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    deliver = null;
    unsubscribe();
    clearInterval(heartbeat);
    clearTimeout(maxAge);
    o.signal?.removeEventListener('abort', onAbort);
  };
  let close = () => end();
  const onAbort = () => close();

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      close = () => {
        end();
        try {
          controller.close();
        } catch {
          // already closed or cancelled
        }
      };
      const write = (text: string) => {
        if (ended) return;
        controller.enqueue(encoder.encode(text));
        if ((controller.desiredSize ?? 0) < -MAX_QUEUED) close();
      };
      // The id line only moves forward: a browser resumes from the newest event it has (two
      // transactions may commit out of id order; the older one still comes, without an id).
      // After a resync the page's id means nothing here any more (a restored database): start over.
      let lastId = replay.resync ? 0 : (o.after ?? 0);
      const replayed = new Set<number>();
      const send = (m: LiveMessage) => {
        if (m.type === 'resync') return write('event: resync\ndata: {}\n\n');
        if (m.type === 'status') return write(`event: status\ndata: ${JSON.stringify({ listening: m.listening })}\n\n`);
        const e = m.event;
        if (replayed.has(e.id) || !matchesAny(o.channels, e)) return;
        const id = e.id > lastId ? `id: ${e.id}\n` : '';
        lastId = Math.max(lastId, e.id);
        write(id + dataLine(e));
      };

      write(`retry: ${o.retryMs}\n: payops live\n\n`);
      if (replay.resync) send({ type: 'resync' });
      for (const event of replay.events) send({ type: 'event', event });
      for (const event of replay.events) replayed.add(event.id);
      for (const m of held.splice(0)) send(m);
      deliver = send;

      heartbeat = setInterval(() => write(': keepalive\n\n'), o.heartbeatMs);
      maxAge = setTimeout(() => close(), o.maxAgeMs * (0.9 + Math.random() * 0.2));
      if (o.signal?.aborted) close();
      else o.signal?.addEventListener('abort', onAbort);
    },
    cancel() {
      end();
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: a proxy must not compress or rewrite the stream; X-Accel-Buffering: nginx must not hold it.
      'cache-control': 'no-store, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}
