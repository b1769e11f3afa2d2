import type { Permission } from '@/lib/auth/permissions';
import type { LiveEvent } from './events';

/**
 * What a live stream hears from its process: an event; `resync` when events may have been missed
 * (the listening connection was cut for too long), so pages re-read everything they show; and
 * whether the process is listening at all (a page shows "reconnecting" while it is not).
 */
export type LiveMessage = { type: 'event'; event: LiveEvent } | { type: 'resync' } | { type: 'status'; listening: boolean };

/**
 * The in-memory fan-out of one process: one listening connection feeds it, every open stream of
 * this process subscribes. Subscribers are called synchronously and must not throw or block.
 */
export class LiveHub {
  private readonly subscribers = new Set<(m: LiveMessage) => void>();

  subscribe(fn: (m: LiveMessage) => void): () => void {
    this.subscribers.add(fn);
    return () => void this.subscribers.delete(fn);
  }

  publish(message: LiveMessage): void {
    for (const fn of this.subscribers) {
      try {
        fn(message);
      } catch {
        // One broken stream must not keep the others from hearing.
      }
    }
  }

  get size(): number {
    return this.subscribers.size;
  }
}

/**
 * What a page subscribes to (`GET /api/live?topics=…`), a channel named after what changed: `payments` (a payment created or
 * changed), `deliveries` (a webhook delivery recorded), `payment:{id}` (anything about that one
 * payment, its deliveries included).
 */
export type LiveChannel = 'payments' | 'deliveries' | `payment:${number}`;

const PAYMENT_CHANNEL = /^payment:([1-9][0-9]{0,15})$/;
export const MAX_CHANNELS = 8;

/** `payments,payment:12` → channels; null when any is unknown (the route answers 400). */
export function parseChannels(raw: string | null): LiveChannel[] | null {
  const parts = (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0 || parts.length > MAX_CHANNELS) return null;
  const channels = new Set<LiveChannel>();
  for (const p of parts) {
    const payment = PAYMENT_CHANNEL.exec(p);
    if (p === 'payments' || p === 'deliveries') channels.add(p);
    else if (payment && Number.isSafeInteger(Number(payment[1]))) channels.add(`payment:${Number(payment[1])}`);
    else return null;
  }
  return [...channels];
}

/** The permission a channel needs: the one the page showing it needs. */
export function channelPermission(channel: LiveChannel): Permission {
  return channel === 'deliveries' ? 'deliveries.read' : 'payments.read';
}

export function matchesChannel(channel: LiveChannel, event: LiveEvent): boolean {
  if (channel === 'payments') return event.topic === 'payment';
  if (channel === 'deliveries') return event.topic === 'delivery';
  return event.paymentId !== null && channel === `payment:${event.paymentId}`;
}

export const matchesAny = (channels: readonly LiveChannel[], event: LiveEvent) => channels.some((c) => matchesChannel(c, event));
