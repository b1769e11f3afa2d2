import { Money } from '@/app/_components/format';
import type { Transaction } from '@/db/schema';
import { checkAmounts } from '@/lib/payments/amount-check';
import { Field, Fields, Section } from './section';

/** The amounts (to the paisa, every digit when there are more; exact value in the title), and whether they add up. */
export function Amounts({ t }: { t: Transaction }) {
  const money = (value: string | null) => <Money value={value} currency={t.currency} />;
  const check = checkAmounts(t);
  return (
    <Section title="Amounts and fees">
      <Fields>
        <Field label="Amount">{money(t.amount)}</Field>
        <Field label="Surcharge">{money(t.surcharge)}</Field>
        <Field label="Surcharge GST">{money(t.surchargeGst)}</Field>
        <Field label="Final amount">
          <span className="font-semibold">{money(t.finalAmount)}</span>
        </Field>
        <Field label="MDR">{money(t.mdr)}</Field>
        <Field label="MDR GST">{money(t.mdrGst)}</Field>
        {t.transactionAmount !== null && <Field label="Transaction amount">{money(t.transactionAmount)}</Field>}
      </Fields>
      <p data-testid="amount-check" className={`mt-3 rounded-md px-3 py-2 text-sm ${check.kind === 'mismatch' ? 'bg-red-50 text-red-800' : check.kind === 'ok' ? 'bg-emerald-50 text-emerald-800' : 'bg-slate-50 text-slate-700'}`}>
        {check.kind === 'ok' && (
          <>
            ✓ amount + surcharge + surcharge GST = {money(check.expected)}, the final amount.
          </>
        )}
        {check.kind === 'mismatch' && (
          <>
            ✗ amount + surcharge + surcharge GST = {money(check.expected)}, but the final amount is {money(t.finalAmount)}: a difference of{' '}
            <span className="font-semibold">{money(check.difference)}</span>.
          </>
        )}
        {check.kind === 'incomplete' && <>The provider sent no amount or no final amount, so there is nothing to check.</>}
      </p>
    </Section>
  );
}
