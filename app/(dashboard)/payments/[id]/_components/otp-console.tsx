import { CopyButton } from '@/app/_components/copy-button';
import { Dash, IstTime, StatusBadge } from '@/app/_components/format';
import { Cell, DataTable } from '@/app/_components/data-table';
import { getDb } from '@/db/client';
import type { OtpOutcome, Role, Transaction } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { budgetView, otpLimits, providerName, waitingForOtp } from '@/lib/otp/policy';
import { getOtpConsole, type OtpHistoryRow } from '@/lib/otp/queries';
import { isWalletPayment, maskedWalletCard, otpRefsOf } from '@/lib/otp/refs';
import { planOtpCall } from '@/lib/otp/resend';
import { formatIst } from '@/lib/time';
import { Section } from '../../_components/section';
import { ResendOtpForm, WalletOtpForm } from './otp-forms';

const OUTCOME_LABEL: Record<OtpOutcome, [string, string]> = {
  sent: ['sent', 'success'],
  validated: ['passed to provider', 'success'],
  refused_payment_limit: ['refused: payment budget', 'failed'],
  refused_cooldown: ['refused: cooldown', 'failed'],
  refused_agent_limit: ['refused: agent hourly limit', 'failed'],
  refused_global_limit: ['refused: global hourly limit', 'failed'],
  refused_not_waiting: ['refused: not waiting', 'failed'],
  refused_window: ['refused: window closed', 'failed'],
  refused_missing_refs: ['refused: ids missing', 'failed'],
  rate_limited_by_provider: ['provider limit reached', 'failed'],
  provider_refused: ['provider refused', 'failed'],
  provider_error: ['provider error', 'failed'],
  provider_timeout_unknown: ['timeout: may have been sent', 'open'],
  outcome_unknown: ['unknown: may have been sent', 'open'],
};

/**
 * The payment's OTP section: budget, cooldown and history for everyone who may read payments;
 * the buttons only for roles with `otp.resend` (the actions check again themselves).
 */
export async function OtpConsole({ t, role }: { t: Transaction; role: Role }) {
  const limits = otpLimits();
  const now = new Date();
  const data = await getOtpConsole(await getDb(), { transactionId: t.id });
  const budget = budgetView(data.budget, limits, now);
  const waiting = waitingForOtp(t, now, limits);
  const refs = otpRefsOf(t);
  // The wallet OTP only for a wallet payment, only to its stored card: the page names the card, never asks for one.
  const wallet = isWalletPayment(t);
  const walletCard = maskedWalletCard(t);
  const resendMissing = t.provider === 'enkash' || t.provider === 'juspay' ? planOtpCall(t, 'resend', refs).missing : null;
  const canSend = can(role, 'otp.resend');
  const form = {
    transactionId: t.id,
    attemptKey: `n${data.attemptCount}`,
    cooldownSeconds: budget.cooldownUntil ? Math.ceil((budget.cooldownUntil.getTime() - now.getTime()) / 1000) : 0,
    remaining: budget.remaining,
  };

  return (
    <Section title="OTP" id="otp" className="scroll-mt-4">
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="space-y-1 text-sm">
          <p data-testid="otp-budget">
            <span className="font-semibold tabular-nums">
              {budget.sent} / {budget.limit}
            </span>{' '}
            sent · <span className="tabular-nums">{budget.remaining}</span> left
          </p>
          <p className="text-xs text-slate-600">
            {budget.source === 'provider' ? `${providerName(t.provider)}'s own count, as it last told.` : "PayOps' count (the provider has not told its own)."}
          </p>
          <p className="text-xs text-slate-600">
            At most {limits.maxPerPayment} per payment, {limits.cooldownSeconds} s apart; {limits.maxPerAgentPerHour} an hour per agent.
          </p>
          <p className="text-xs text-slate-500" data-testid="otp-waiting">
            {waiting.waiting ? `Waiting for an OTP until ${formatIst(waiting.windowEndsAt)}.` : canSend ? 'Not waiting for an OTP.' : waiting.reason}
          </p>
        </div>
        <div className="space-y-4 lg:col-span-2">
          {!canSend ? (
            <p className="text-sm text-slate-600">Only support and admin staff can send OTPs; the history below is read-only.</p>
          ) : !waiting.waiting ? (
            <p className="text-sm text-slate-600" data-testid="otp-unavailable">
              No OTP can be sent. {waiting.reason}
            </p>
          ) : (
            <>
              {budget.remaining === 0 && (
                <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                  This payment has used its whole OTP budget, so no more OTPs can be sent for it. The customer can start a new payment.
                </p>
              )}
              {t.provider !== 'enkash_wallet' &&
                (resendMissing ? (
                  <p className="text-sm text-slate-600" data-testid="otp-unavailable">
                    Resend is not possible: {resendMissing} PayOps needs them from the {providerName(t.provider)} notification or the checkout.
                  </p>
                ) : (
                  <ResendOtpForm {...form} providerName={providerName(t.provider)} />
                ))}
              {wallet &&
                (walletCard ? (
                  <WalletOtpForm {...form} card={walletCard} />
                ) : (
                  <p className="text-sm text-slate-600" data-testid="otp-unavailable">
                    Wallet OTP is not possible: {planOtpCall(t, 'wallet_otp', refs).missing} PayOps takes the wallet card only from the merchant&apos;s checkout, never from a form.
                  </p>
                ))}
              {!wallet && t.paymentMode === 'WALLET' && (
                <p className="text-sm text-slate-600" data-testid="otp-wallet-unknown">
                  Paid by wallet, but no Enkash Wallet card is recorded for this payment, so no wallet OTP can be sent. The merchant&apos;s checkout names the card when it asks PayOps for an OTP.
                </p>
              )}
            </>
          )}
          <p className="text-xs text-slate-600">
            A provider error or timeout still counts against the budget: the OTP may have reached the customer&apos;s phone. No OTP value is ever shown here.
          </p>
        </div>
      </div>
      <div className="mt-4">
        <OtpHistory rows={data.history} />
      </div>
    </Section>
  );
}

function OtpHistory({ rows }: { rows: OtpHistoryRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-slate-500">No OTP has been requested for this payment through PayOps.</p>;
  return (
    <DataTable caption="OTP attempts" headings={['When (IST)', 'Who', 'Channel', 'Action', 'Outcome', 'Reason', 'Provider request id']}>
      {rows.map((r) => {
        const [label, family] = r.outcome ? OUTCOME_LABEL[r.outcome] : ['waiting for provider', 'open'];
        return (
          <tr key={r.id} data-testid="otp-attempt">
            <Cell label="When" className="whitespace-nowrap px-3 py-2 text-slate-700">
              <IstTime value={r.createdAt} />
            </Cell>
            <Cell label="Who" className="px-3 py-2">
              {r.actorEmail ?? r.actor}
              {r.actorRole && <div className="text-xs text-slate-500">{r.actorRole}</div>}
            </Cell>
            <Cell label="Channel" className="px-3 py-2 text-slate-700">{r.channel}</Cell>
            <Cell label="Action" className="whitespace-nowrap px-3 py-2 text-slate-700">{r.kind === 'wallet_otp' ? 'wallet OTP' : r.kind}</Cell>
            <Cell label="Outcome" className="whitespace-nowrap px-3 py-2">
              <StatusBadge status={r.outcome ?? 'pending'} label={label} family={family} />
              {r.maskedMobile && <div className="mt-0.5 font-mono text-xs text-slate-500">to {r.maskedMobile}</div>}
            </Cell>
            <Cell label="Reason" className="max-w-xs break-words px-3 py-2 text-slate-700">{r.reason ?? <Dash />}</Cell>
            <Cell label="Provider request id" className="px-3 py-2 font-mono text-xs text-slate-600">
              {r.providerRequestId ? (
                <span className="flex items-center gap-1">
                  <span className="break-all">{r.providerRequestId}</span>
                  <CopyButton value={r.providerRequestId} label="provider request id" />
                </span>
              ) : (
                <Dash />
              )}
            </Cell>
          </tr>
        );
      })}
    </DataTable>
  );
}
