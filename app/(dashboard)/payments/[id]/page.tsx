import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CardLabel, IstTime, StatusBadge } from '@/app/_components/format';
import { LiveRefresh } from '@/app/_components/live';
import { getDb } from '@/db/client';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { liveSnapshot } from '@/lib/live/events';
import { getPaymentDetail } from '@/lib/payments/queries';
import { parsePaymentId } from '@/lib/payments/search-params';
import { buildTimeline, describeEffect } from '@/lib/payments/timeline';
import { Amounts } from '../_components/amounts';
import { FlagList } from '../_components/flags';
import { RawPayloads } from '../_components/raw-payloads';
import { Field, Fields, Section } from '../_components/section';
import { TimelineSection } from '../_components/timeline';
import { OtpConsole } from './_components/otp-console';
import { Verification } from './_components/verification';

export const metadata: Metadata = { title: 'Payment' };

export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission('payments.read');
  const id = parsePaymentId((await params).id);
  if (id === null) notFound();
  // Support staff never receive the raw payload: it is not even read for them.
  const showRaw = can(user.role, 'payments.raw');
  // Read before the payment: a change landing while the page renders is replayed, not missed.
  const live = await liveSnapshot(await getDb());
  const detail = await getPaymentDetail(await getDb(), { id, includePayload: showRaw });
  if (!detail) notFound();
  const t = detail.transaction;
  const timeline = buildTimeline(detail.deliveries);

  return (
    <div className="space-y-4">
      <div>
        <Link href="/payments" prefetch={false} className="text-sm font-medium text-indigo-600 hover:underline">
          ← Payments
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-xl font-semibold tracking-tight">{t.transactionId}</h1>
          <StatusBadge status={t.status} family={t.statusFamily} />
          {t.flags.length > 0 && <span className="rounded-md bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-600/20">flagged</span>}
          <div className="ml-auto">
            <LiveRefresh topics={`payment:${t.id}`} after={live.eventId} />
          </div>
        </div>
        <p className="text-sm text-slate-600">
          {t.provider} · <IstTime value={t.txnAt} />
        </p>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Amounts t={t} />
        <Section title="Card and customer">
          <Fields>
            <Field label="Card">
              <CardLabel scheme={t.cardScheme} last4={t.cardLast4} />
            </Field>
            <Field label="Bank">{[t.bankName, t.bankCode && `(${t.bankCode})`].filter(Boolean).join(' ')}</Field>
            <Field label="Cardholder">{t.cardholderName}</Field>
            <Field label="Payment mode">{t.paymentMode?.replaceAll('_', ' ')}</Field>
            <Field label="Currency">{t.currency}</Field>
          </Fields>
        </Section>
        <Section title="Identifiers">
          <Fields>
            <Field label="Transaction" mono>{t.transactionId}</Field>
            <Field label="Unique" mono>{t.uniqueTransactionId}</Field>
            <Field label="Order" mono>{t.orderId}</Field>
            <Field label="Bank transaction" mono>{t.bankTransactionId}</Field>
            <Field label="PayOps id" mono>{t.id}</Field>
          </Fields>
        </Section>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Section title="Status">
          <Fields>
            <Field label="Status">
              <StatusBadge status={t.status} family={t.statusFamily} />
            </Field>
            <Field label="Transaction status">{t.transactionStatus}</Field>
            <Field label="Order status">{t.orderStatus}</Field>
            <Field label="Message">{t.txnMessage}</Field>
            <Field label="Last change">{describeEffect('accepted', t.lastEffect)}</Field>
            <Field label="First seen">
              <IstTime value={t.firstSeenAt} />
            </Field>
            <Field label="Updated">
              <IstTime value={t.updatedAt} />
            </Field>
          </Fields>
        </Section>
        <Section title="Flags" className="lg:col-span-2">
          <FlagList flags={t.flags} />
        </Section>
      </div>

      <Verification t={t} />
      <OtpConsole t={t} role={user.role} />

      <TimelineSection timeline={timeline} provider={t.provider} />
      {showRaw ? (
        <RawPayloads payloads={timeline.payloads} />
      ) : (
        <p className="text-xs text-slate-500">Raw notifications are shown to finance and admin staff only.</p>
      )}
    </div>
  );
}
