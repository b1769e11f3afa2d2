import Link from 'next/link';
import { groupIndian } from '@/app/_components/format';
import { formatMoney } from '@/lib/money';
import { normalizeAmount } from '@/lib/payments/query-language';
import { modeLabel, providerLabel, statusLabel } from '@/lib/payments/labels';
import { searchHref, type SearchField } from '@/lib/payments/search-params';
import { dayLabel } from '@/lib/finance/chart';

type Kept = Partial<Record<SearchField, string>>;

const SORT_LABEL: Record<string, string> = { oldest: 'oldest first', amount_desc: 'largest amount first', amount_asc: 'smallest amount first' };
const rupees = (v: string) => {
  const n = normalizeAmount(v);
  return n === null ? v : `₹${groupIndian(formatMoney(n, n.endsWith('00') ? 2 : 4))}`;
};
const day = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? dayLabel(v, true) : v);

/** The filters in force, each removable in one click (plain links: no script needed). */
export function FilterChips({ kept }: { kept: Kept }) {
  const chips: { label: string; remove: Partial<Record<SearchField, null>> }[] = [];
  if (kept.q) chips.push({ label: `Search: “${kept.q}”`, remove: { q: null } });
  if (kept.status) chips.push({ label: `Status: ${statusLabel(kept.status.trim().toUpperCase())}`, remove: { status: null } });
  if (kept.paymentMode) chips.push({ label: `Mode: ${modeLabel(kept.paymentMode.trim().toUpperCase())}`, remove: { paymentMode: null } });
  if (kept.provider) chips.push({ label: `Provider: ${providerLabel(kept.provider.trim().toLowerCase())}`, remove: { provider: null } });
  if (kept.from && kept.from === kept.to) chips.push({ label: `On ${day(kept.from)}`, remove: { from: null, to: null } });
  else {
    if (kept.from) chips.push({ label: `From ${day(kept.from)}`, remove: { from: null } });
    if (kept.to) chips.push({ label: `To ${day(kept.to)}`, remove: { to: null } });
  }
  if (kept.minAmount && kept.minAmount === kept.maxAmount) chips.push({ label: `Amount ${rupees(kept.minAmount)}`, remove: { minAmount: null, maxAmount: null } });
  else {
    if (kept.minAmount) chips.push({ label: `Amount ≥ ${rupees(kept.minAmount)}`, remove: { minAmount: null } });
    if (kept.maxAmount) chips.push({ label: `Amount ≤ ${rupees(kept.maxAmount)}`, remove: { maxAmount: null } });
  }
  if (kept.flagged === '1' || kept.flagged === 'true' || kept.flagged === 'on') chips.push({ label: 'Only flagged', remove: { flagged: null } });
  if (kept.review) chips.push({ label: { open: 'Needs review', mine: 'Assigned to me', resolved: 'Review resolved' }[kept.review] ?? kept.review, remove: { review: null } });
  if (kept.sort && SORT_LABEL[kept.sort]) chips.push({ label: `Order: ${SORT_LABEL[kept.sort]}`, remove: { sort: null } });
  if (chips.length === 0) return null;
  return (
    <ul aria-label="Filters in use" className="flex flex-wrap items-center gap-2">
      {chips.map((chip) => (
        <li key={chip.label}>
          <Link
            href={searchHref('/payments', kept, { ...chip.remove, cursor: null })}
            prefetch={false}
            className="inline-flex max-w-full items-center gap-1.5 rounded-full bg-indigo-50 py-1 pl-3 pr-2 text-xs font-medium text-indigo-800 ring-1 ring-inset ring-indigo-600/20 hover:bg-indigo-100"
          >
            <span className="truncate">{chip.label}</span>
            <span aria-hidden className="text-sm leading-none">×</span>
            <span className="sr-only">(remove this filter)</span>
          </Link>
        </li>
      ))}
      {chips.length > 1 && (
        <li>
          <Link href="/payments" prefetch={false} className="text-xs font-medium text-slate-600 underline-offset-2 hover:underline">
            Clear all
          </Link>
        </li>
      )}
    </ul>
  );
}
