import type { DeliveryRow } from './queries';

/** What an accepted event did to its payment, in words (effects from lib/payments/status.ts). */
const EFFECT_TEXT: Record<string, string> = {
  created: 'Created the payment with this status.',
  applied: 'Moved the payment to this status.',
  refreshed: 'Same status as before; its details were refreshed.',
  stale: 'Arrived after a later status was recorded, so it changed nothing.',
  conflict: 'Contradicts the final status already recorded. The first final status is kept and the payment is flagged for a person.',
};

export function describeEffect(outcome: string, effect: string | null): string {
  if (outcome === 'duplicate') return 'A repeat of an earlier notification; it changed nothing.';
  return (effect && EFFECT_TEXT[effect]) ?? 'Accepted; its effect was not recorded.';
}

export interface TimelineEntry {
  deliveryId: number;
  receivedAt: Date;
  outcome: string;
  effect: string | null;
  text: string;
  eventId: number;
  status: string;
  providerTime: Date | null;
  auth: string;
  sourceIp: string | null;
  flags: string[];
}

export interface Timeline {
  entries: TimelineEntry[];
  events: number;
  duplicates: number;
  conflicts: number;
  /** Each event's redacted payload, once, oldest first — present only when it was read. */
  payloads: { eventId: number; status: string; payload: unknown }[];
}

/** Every delivery of a payment in arrival order, with counts a person asks about first. */
export function buildTimeline(rows: DeliveryRow[]): Timeline {
  const payloads = new Map<number, { eventId: number; status: string; payload: unknown }>();
  const entries = rows.map((r): TimelineEntry => {
    if (r.payload !== undefined && !payloads.has(r.eventId)) payloads.set(r.eventId, { eventId: r.eventId, status: r.eventStatus, payload: r.payload });
    return {
      deliveryId: r.deliveryId,
      receivedAt: r.receivedAt,
      outcome: r.outcome,
      effect: r.effect,
      text: describeEffect(r.outcome, r.effect),
      eventId: r.eventId,
      status: r.eventStatus,
      providerTime: r.eventTxnAt,
      auth: r.auth,
      sourceIp: r.sourceIp,
      // A duplicate repeats its event's flags; only what was new about this delivery is shown.
      flags: r.outcome === 'duplicate' ? r.deliveryFlags : [...new Set([...r.eventFlags, ...r.deliveryFlags])].sort(),
    };
  });
  return {
    entries,
    events: new Set(rows.map((r) => r.eventId)).size,
    duplicates: rows.filter((r) => r.outcome === 'duplicate').length,
    conflicts: rows.filter((r) => r.outcome !== 'duplicate' && r.effect === 'conflict').length,
    payloads: [...payloads.values()].sort((a, b) => a.eventId - b.eventId),
  };
}
