import type { Timeline } from '@/lib/payments/timeline';
import { Section } from './section';

/**
 * Each notification as stored: card numbers already cut to their last four and the payment
 * token removed at ingest. Rendered as text in a <pre>; only for roles with 'payments.raw'.
 */
export function RawPayloads({ payloads }: { payloads: Timeline['payloads'] }) {
  return (
    <Section title="Raw notifications (redacted)">
      <div className="space-y-2" data-testid="raw-payloads">
        {payloads.map((p) => (
          <details key={p.eventId} className="rounded-md border border-slate-200">
            <summary className="cursor-pointer px-3 py-2 text-sm font-medium text-slate-700">
              Notification #{p.eventId} · {p.status}
            </summary>
            {p.payload === null ? (
              // The retention job removed it (personal data); the event itself is still on record.
              <p className="border-t border-slate-200 bg-slate-50 p-3 text-xs text-slate-600">Removed after the retention period; the event, its status and its hash are kept.</p>
            ) : (
              <pre className="max-h-96 overflow-auto border-t border-slate-200 bg-slate-50 p-3 text-xs leading-5">{JSON.stringify(p.payload, null, 2)}</pre>
            )}
          </details>
        ))}
      </div>
    </Section>
  );
}
