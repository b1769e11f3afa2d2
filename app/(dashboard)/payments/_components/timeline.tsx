import { IstTime, StatusBadge } from '@/app/_components/format';
import { statusInfo } from '@/lib/payments/status';
import type { Timeline } from '@/lib/payments/timeline';
import { FlagBadges } from './flags';
import { Section } from './section';

const CHIP: Record<string, string> = {
  duplicate: 'bg-slate-100 text-slate-600',
  conflict: 'bg-red-50 text-red-800',
  stale: 'bg-amber-50 text-amber-800',
  accepted: 'bg-indigo-50 text-indigo-700',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-IN')} ${n === 1 ? one : many}`;

/** Every delivery of every event, in the order they arrived, each with what it did. */
export function TimelineSection({ timeline, provider }: { timeline: Timeline; provider: string }) {
  const family = (status: string) => statusInfo(provider, status).family;
  return (
    <Section title="Timeline">
      <p className="mb-3 text-sm text-slate-600" data-testid="timeline-summary">
        {plural(timeline.entries.length, 'delivery', 'deliveries')} of {plural(timeline.events, 'distinct notification')}:{' '}
        {plural(timeline.duplicates, 'duplicate')}, {plural(timeline.conflicts, 'conflict')}.
      </p>
      {timeline.entries.length === 0 ? (
        <p className="text-sm text-slate-500">No deliveries are recorded for this payment.</p>
      ) : (
        <ol className="relative space-y-3 border-l border-slate-200 pl-5">
          {timeline.entries.map((e) => (
            <li key={e.deliveryId} className="relative">
              <span
                aria-hidden
                className={`absolute -left-[26px] top-1.5 h-2.5 w-2.5 rounded-full ring-2 ring-white ${
                  e.effect === 'conflict' ? 'bg-red-500' : e.outcome === 'duplicate' ? 'bg-slate-300' : 'bg-indigo-500'
                }`}
              />
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <IstTime value={e.receivedAt} />
                <StatusBadge status={e.status} family={family(e.status)} />
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${CHIP[e.outcome === 'duplicate' ? 'duplicate' : (e.effect ?? '')] ?? CHIP.accepted}`}>
                  {e.outcome === 'duplicate' ? 'duplicate' : (e.effect ?? 'accepted')}
                </span>
              </div>
              <p className={`text-sm ${e.effect === 'conflict' ? 'font-medium text-red-800' : 'text-slate-700'}`}>{e.text}</p>
              <p className="text-xs text-slate-500">
                Notification #{e.eventId}
                {e.providerTime && (
                  <>
                    {' '}· provider time <IstTime value={e.providerTime} />
                  </>
                )}
                {' '}· from {e.sourceIp ?? 'unknown address'} · secret {e.auth === 'ok' ? 'checked' : e.auth}
              </p>
              {e.flags.length > 0 && (
                <div className="mt-1">
                  <FlagBadges flags={e.flags} />
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
