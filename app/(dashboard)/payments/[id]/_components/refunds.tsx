import { randomBytes } from 'node:crypto';
import Link from 'next/link';
import { DecideRefundForm, RequestRefundForm, SettleUnknownForm } from '@/app/(dashboard)/refunds/_components/refund-forms';
import { RefundStateBadge, refundStepLabel } from '@/app/(dashboard)/refunds/_components/refund-state';
import { CopyButton } from '@/app/_components/copy-button';
import { groupIndian, IstTime, Money } from '@/app/_components/format';
import { LINK } from '@/app/_components/ui';
import { steppedUp, type StaffUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { holdWords } from '@/lib/refunds/decide';
import type { RefundEventView, RefundView } from '@/lib/refunds/queries';
import type { Refundable } from '@/lib/refunds/request';
import { formatMoney, addMoney } from '@/lib/money';
import { Field, Fields, Section } from '../../_components/section';

const rupees = (v: string) => groupIndian(formatMoney(v, 2));

/**
 * The payment's refunds: what can still go back, every refund with its life and the bank's
 * reference, and — by role — asking for one, or approving someone else's.
 */
export function RefundsSection({ state, list, user, paymentId }: { state: Refundable; list: (RefundView & { events: RefundEventView[] })[]; user: StaffUser; paymentId: number }) {
  const mayRequest = can(user.role, 'refunds.request');
  const mayApprove = can(user.role, 'refunds.approve');
  // Nothing to show or do: no refunds yet, and none can be asked for here (or by this role).
  if (list.length === 0 && (state.blocked || !mayRequest)) return null;
  const inFlight = addMoney(state.held, `-${state.succeeded}`);
  const next = `/payments/${paymentId}#refunds`;
  return (
    <Section title="Refunds" id="refunds" className="scroll-mt-4">
      <div className="grid gap-4 lg:grid-cols-3">
        <Fields>
          <Field label="Captured">
            <Money value={state.captured} currency={state.currency} />
          </Field>
          <Field label="Refunded">
            <Money value={state.succeeded} currency={state.currency} />
          </Field>
          <Field label="In flight">
            <Money value={inFlight} currency={state.currency} />
          </Field>
          {state.outside !== '0.0000' && (
            <Field label="Refunded outside PayOps">
              <Money value={state.outside} currency={state.currency} />
            </Field>
          )}
          <Field label="Refundable now">
            <strong data-testid="refundable">
              <Money value={state.refundable} currency={state.currency} />
            </strong>
          </Field>
          {state.requested !== '0.0000' && (
            <Field label="Asked, not approved">
              <Money value={state.requested} currency={state.currency} />
            </Field>
          )}
        </Fields>
        <div className="lg:col-span-2">
          {mayRequest && !state.blocked && <RequestRefundForm paymentId={paymentId} refundable={rupees(state.refundable)} token={randomBytes(16).toString('base64url')} />}
          {mayRequest && state.blocked && <p className="text-sm text-slate-600">{state.blocked}</p>}
          {mayApprove && list.some((r) => r.state === 'requested') && !steppedUp(user) && (
            <p role="status" className="mt-3 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Approving a refund needs a recent code from your authenticator app.{' '}
              <Link className={LINK} href={`/login/step-up?next=${encodeURIComponent(next)}`}>
                Confirm it is you
              </Link>
            </p>
          )}
        </div>
      </div>
      {list.length > 0 && (
        <ul className="mt-4 space-y-3" aria-label="Refunds of this payment">
          {list.map((r) => (
            <RefundItem key={r.id} r={r} user={user} next={next} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function RefundItem({ r, user, next }: { r: RefundView & { events: RefundEventView[] }; user: StaffUser; next: string }) {
  const own = r.requestedBy === user.id;
  const mayApprove = can(user.role, 'refunds.approve') && !own;
  const mayReject = (can(user.role, 'refunds.approve') && !own) || (own && can(user.role, 'refunds.request'));
  return (
    <li id={`refund-${r.id}`} data-testid="refund" data-refund-id={r.id} className="scroll-mt-4 rounded-md border border-slate-200 p-3">
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-base font-semibold" data-testid="refund-amount">
          <Money value={r.amount} currency={r.currency} />
        </span>
        <RefundStateBadge state={r.state} />
        <span className="text-xs text-slate-600">
          asked by {r.requestedByName ?? 'someone'} <IstTime value={r.requestedAt} />
          {r.source !== 'console' && ` (${r.source === 'api' ? 'merchant API' : `bulk upload #${r.batchId}`})`}
        </span>
      </div>
      <p className="mt-1 whitespace-pre-wrap break-words text-sm text-slate-800">“{r.reason}”</p>
      {r.holds.length > 0 && r.state === 'requested' && <p className="mt-1 text-xs text-amber-900">Needs a note and a minute’s wait: {r.holds.map(holdWords).join('; ')}.</p>}
      <div className="mt-2">
        <Fields>
          {r.decidedByName && (
            <Field label={r.state === 'rejected' ? 'Rejected by' : 'Approved by'}>
              {r.decidedByName} {r.decidedAt && <IstTime value={r.decidedAt} />}
              {r.decisionNote && <span className="block whitespace-pre-wrap text-slate-700">“{r.decisionNote}”</span>}
            </Field>
          )}
          <Field label="Request id" mono>
            {r.requestId}
          </Field>
          {r.providerRefundId && (
            <Field label="Provider refund id" mono>
              {r.providerRefundId}
            </Field>
          )}
          {r.arn && (
            <Field label="Bank reference (ARN)" mono>
              <span className="flex items-start gap-1" data-testid="refund-arn">
                {r.arn}
                <CopyButton value={r.arn} label="bank reference" />
              </span>
            </Field>
          )}
          {r.providerMessage && <Field label="Provider says">{r.providerMessage}</Field>}
          {r.state === 'requested' && (
            <Field label="Expires">
              <IstTime value={r.expiresAt} />
            </Field>
          )}
        </Fields>
      </div>
      {r.state === 'requested' && (mayApprove || mayReject) && (
        <div className="mt-3">
          <DecideRefundForm refundId={r.id} needsNote={r.holds.length > 0} mayApprove={mayApprove} mayReject={mayReject} own={own} next={next} />
        </div>
      )}
      {r.state === 'unknown' && r.provider !== 'juspay' && !r.providerRefundId && can(user.role, 'refunds.approve') && (
        <div className="mt-3">
          <SettleUnknownForm refundId={r.id} requestId={r.requestId} next={next} />
        </div>
      )}
      {r.state === 'requested' && own && !mayApprove && <p className="mt-2 text-xs text-slate-600">You asked for this refund: someone else approves it.</p>}
      <details className="mt-2">
        <summary className="cursor-pointer text-xs font-medium text-indigo-700">Its life ({r.events.length} steps)</summary>
        <ol className="mt-2 space-y-1 text-xs" data-testid="refund-timeline">
          {r.events.map((e) => (
            <li key={e.id} className="flex flex-wrap gap-x-2">
              <span className="text-slate-600">
                <IstTime value={e.at} />
              </span>
              <span className="font-medium">{refundStepLabel(e.action)}</span>
              <span className="text-slate-600">{e.actor.startsWith('system') ? 'by PayOps' : e.actor === 'api' ? 'by the merchant API' : `by ${e.actorName ?? e.actor}`}</span>
              {typeof e.detail.note === 'string' && <span className="basis-full whitespace-pre-wrap break-words text-slate-800">“{e.detail.note}”</span>}
              {typeof e.detail.message === 'string' && <span className="text-slate-700">— {e.detail.message}</span>}
              {typeof e.detail.why === 'string' && <span className="text-slate-700">— {e.detail.why}</span>}
              {typeof e.detail.error === 'string' && <span className="text-slate-700">— {e.detail.error}</span>}
            </li>
          ))}
        </ol>
      </details>
    </li>
  );
}
