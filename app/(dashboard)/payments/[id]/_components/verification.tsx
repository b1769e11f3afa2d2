import { IstTime } from '@/app/_components/format';
import { statusLabel } from '@/lib/payments/labels';
import type { Transaction } from '@/db/schema';
import { isVerifiable, NOT_VERIFIABLE_DETAIL } from '@/lib/payments/verify';
import { Field, Fields, Section } from '../../_components/section';
import { RecheckButton } from './recheck-button';

const VERDICT = {
  confirmed: { label: 'confirmed', style: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20', words: 'The provider’s status API reports the status the notifications claimed.' },
  unconfirmed: { label: 'unconfirmed', style: 'bg-slate-100 text-slate-700 ring-slate-500/20', words: 'Not confirmed by the provider’s status API yet.' },
  mismatch: { label: 'mismatch', style: 'bg-red-50 text-red-800 ring-red-600/20', words: 'The provider’s status API contradicts the notifications. Needs review.' },
  error: { label: 'check failed', style: 'bg-amber-50 text-amber-800 ring-amber-600/20', words: 'The last check could not reach the provider.' },
} as const;

type Props = Pick<Transaction, 'id' | 'provider' | 'verification' | 'verifiedStatus' | 'verifiedAt' | 'verificationDetail'>;

/** Trust, then verify: what the provider's status API said about the status shown above. */
export function Verification({ t }: { t: Props }) {
  const verdict = VERDICT[t.verification] ?? VERDICT.unconfirmed;
  const checkable = isVerifiable(t.provider);
  return (
    <Section title="Provider check">
      <p className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        <span data-testid="verification" className={`rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${verdict.style}`}>
          {verdict.label}
        </span>
        <span className="text-slate-700">{checkable ? verdict.words : NOT_VERIFIABLE_DETAIL}</span>
      </p>
      {checkable && (
        <>
          <Fields>
            <Field label="Provider says">{t.verifiedStatus && statusLabel(t.verifiedStatus)}</Field>
            <Field label="Checked">{t.verifiedAt && <IstTime value={t.verifiedAt} />}</Field>
            <Field label="Detail">{t.verificationDetail}</Field>
          </Fields>
          <RecheckButton id={t.id} />
        </>
      )}
    </Section>
  );
}
