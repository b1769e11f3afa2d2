import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { CopyButton } from '@/app/_components/copy-button';
import { CardLabel, groupIndian, IstTime, Money, Mode, StatusBadge } from '@/app/_components/format';
import { RelativeTime } from '@/app/_components/relative-time';
import { LiveRefresh } from '@/app/_components/live';
import { getDb } from '@/db/client';
import { currentUser, requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { displayName, modeLabel, providerLabel, statusLabel } from '@/lib/payments/labels';
import { liveSnapshot } from '@/lib/live/events';
import { getPaymentDetail } from '@/lib/payments/queries';
import { parsePaymentId } from '@/lib/payments/search-params';
import { buildTimeline, describeEffect } from '@/lib/payments/timeline';
import { formatIst } from '@/lib/time';
import { Amounts } from '../_components/amounts';
import { FlagList } from '../_components/flags';
import { RawPayloads } from '../_components/raw-payloads';
import { Field, Fields, Section } from '../_components/section';
import { TimelineSection } from '../_components/timeline';
import { casesForPayment } from '@/lib/cases/queries';
import { otpLimits, waitingForOtp } from '@/lib/otp/policy';
import { CasesSection } from './_components/cases';
import { ClaimKeeper } from './_components/claim-keeper';
import { OtpConsole } from './_components/otp-console';
import { refundsForPayment } from '@/lib/refunds/queries';
import { refundableOf } from '@/lib/refunds/request';
import { RefundsSection } from './_components/refunds';
import { SettlementLine } from './_components/settlement';
import { Verification } from './_components/verification';

// The page and its tab title read the payment once per request.
const paymentFor = cache(async (id: number, includePayload: boolean) => getPaymentDetail(await getDb(), { id, includePayload }));

/** The tab names the payment: its id, amount and status, so a row of tabs stays readable. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const user = await currentUser();
  const id = parsePaymentId((await params).id);
  if (!user || !can(user.role, 'payments.read') || id === null) return { title: 'Payment' };
  const detail = await paymentFor(id, can(user.role, 'payments.raw'));
  if (!detail) return { title: 'Payment not found' };
  const t = detail.transaction;
  const amount = t.finalAmount ? ` · ₹${groupIndian(formatMoney(t.finalAmount, 2))}` : '';
  return { title: `${t.transactionId}${amount} · ${statusLabel(t.status)}` };
}

export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePagePermission('payments.read');
  const id = parsePaymentId((await params).id);
  if (id === null) notFound();
  // Support staff never receive the raw payload: it is not even read for them.
  const showRaw = can(user.role, 'payments.raw');
  // Read before the payment: a change landing while the page renders is replayed, not missed.
  const live = await liveSnapshot(await getDb());
  const detail = await paymentFor(id, showRaw);
  if (!detail) notFound();
  const t = detail.transaction;
  const timeline = buildTimeline(detail.deliveries);
  const cases = can(user.role, 'cases.read') ? await casesForPayment(await getDb(), t.id) : [];
  // Someone who can resend, on a payment waiting for an OTP: the payment is theirs while the page is open.
  const claim = can(user.role, 'otp.resend') && waitingForOtp(t, new Date(), otpLimits()).waiting;
  const name = displayName(t.cardholderName);
  const refundState = can(user.role, 'refunds.read') ? await refundableOf(await getDb(), t.id) : null;
  const refundList = refundState ? await refundsForPayment(await getDb(), t.id) : [];

  return (
    <div className="space-y-4">
      <Link href="/payments" prefetch={false} className="text-sm font-medium text-indigo-700 hover:underline">
        ← Payments
      </Link>
      <section className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-label="Payment summary">
        <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{providerLabel(t.provider)} payment</p>
        <div className="mt-1 flex min-w-0 items-center gap-1">
          <h1 className="min-w-0 break-all font-mono text-lg font-semibold tracking-tight sm:text-xl">{t.transactionId}</h1>
          <CopyButton value={t.transactionId} label="transaction id" />
          <div className="ml-auto shrink-0">
            <LiveRefresh topics={`payment:${t.id}`} after={live.eventId} />
          </div>
        </div>
        <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3 lg:grid-cols-5">
          <div>
            <dt className="text-xs text-slate-600">Amount</dt>
            <dd className="text-2xl font-semibold tracking-tight text-slate-900" data-testid="payment-amount">
              <Money value={t.finalAmount} currency={t.currency} />
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Status</dt>
            <dd className="mt-1 flex flex-wrap items-center gap-1.5">
              <StatusBadge status={t.status} family={t.statusFamily} />
              {t.flags.length > 0 && (
                <a href="#flags" className="rounded-md bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-inset ring-red-600/20 hover:underline">
                  flagged
                </a>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Method</dt>
            <dd className="mt-0.5 text-slate-900">
              <Mode mode={t.paymentMode} />
              {(t.cardScheme || t.cardLast4) && (
                <span className="block text-xs text-slate-600">
                  <CardLabel scheme={t.cardScheme} last4={t.cardLast4} />
                </span>
              )}
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-xs text-slate-600">Customer</dt>
            <dd className="mt-0.5 break-words text-slate-900">{name ?? <span className="text-slate-600">No name given</span>}</dd>
          </div>
          <div>
            <dt className="text-xs text-slate-600">Time</dt>
            <dd className="mt-0.5 text-slate-900">
              <RelativeTime value={t.txnAt.toISOString()} />
              <span className="block text-xs text-slate-600">{formatIst(t.txnAt)}</span>
            </dd>
          </div>
        </dl>
      </section>

      <div className="grid gap-4 lg:grid-cols-3">
        <Amounts t={t} />
        <Section title="Card and customer">
          <Fields>
            <Field label="Card">{(t.cardScheme || t.cardLast4) && <CardLabel scheme={t.cardScheme} last4={t.cardLast4} />}</Field>
            <Field label="Bank">{[t.bankName, t.bankCode && `(${t.bankCode})`].filter(Boolean).join(' ')}</Field>
            <Field label="Cardholder">{name ?? (t.cardholderName ? <span className="text-slate-600">{`Not given (the provider sent “${t.cardholderName}”)`}</span> : null)}</Field>
            <Field label="Payment mode">{t.paymentMode && modeLabel(t.paymentMode)}</Field>
            <Field label="Currency">{t.currency}</Field>
          </Fields>
        </Section>
        <Section title="Identifiers">
          <Fields>
            <IdField label="Transaction" value={t.transactionId} />
            <IdField label="Unique" value={t.uniqueTransactionId} />
            <IdField label="Order" value={t.orderId} />
            <IdField label="Bank transaction" value={t.bankTransactionId} />
            <IdField label="PayOps id" value={String(t.id)} />
          </Fields>
        </Section>
      </div>

      <div className="grid gap-4 lg:grid-cols-3">
        <Section title="Status">
          <Fields>
            <Field label="Status">
              <StatusBadge status={t.status} family={t.statusFamily} />
            </Field>
            <Field label="Transaction status">{t.transactionStatus && statusLabel(t.transactionStatus)}</Field>
            <Field label="Order status">{t.orderStatus && statusLabel(t.orderStatus)}</Field>
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
        <Section title="Flags" className="scroll-mt-4 lg:col-span-2" id="flags">
          <FlagList flags={t.flags} cases={Object.fromEntries(cases.map((c) => [c.kind, c.state]))} />
        </Section>
      </div>

      {refundState && <RefundsSection state={refundState} list={refundList} user={user} paymentId={t.id} />}
      {can(user.role, 'settlements.read') && <SettlementLine t={t} />}
      <CasesSection cases={cases} user={user} />
      <Verification t={t} />
      {claim && <ClaimKeeper paymentId={t.id} />}
      <OtpConsole t={t} role={user.role} />

      <TimelineSection timeline={timeline} provider={t.provider} />
      {showRaw ? (
        <RawPayloads payloads={timeline.payloads} />
      ) : (
        <p className="text-xs text-slate-600">Raw notifications are shown to finance and admin staff only.</p>
      )}
    </div>
  );
}

/** An id with its copy button; a dash when the provider sent none. */
function IdField({ label, value }: { label: string; value: string | null }) {
  return (
    <Field label={label} mono>
      {value && (
        <span className="flex min-w-0 items-start gap-1">
          <span className="min-w-0 break-all">{value}</span>
          <CopyButton value={value} label={/ id$/i.test(label) ? label : `${label.toLowerCase()} id`} />
        </span>
      )}
    </Field>
  );
}
