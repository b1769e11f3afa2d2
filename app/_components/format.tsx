import { formatMoney, groupIndian } from '@/lib/money';
import { modeLabel, statusLabel } from '@/lib/payments/labels';
import { formatIst } from '@/lib/time';

/** The "nothing here" mark of every table and field (readable contrast: it is still information). */
export function Dash() {
  return (
    <span className="text-slate-500" aria-label="none">
      —
    </span>
  );
}

/**
 * Money for display, the same on every page: to the paisa (2 decimals) in Indian grouping, unless
 * the exact value has more (Enkash sends four decimals), in which case every digit is shown.
 * The exact stored value is always in the title and in exports.
 */
export function Money({ value, currency = 'INR', className = '' }: { value: string | null; currency?: string | null; className?: string }) {
  if (value === null) return <Dash />;
  const rounded = formatMoney(value, 2);
  const shown = formatMoney(value, 4).endsWith('00') ? rounded : formatMoney(value, 4);
  const symbol = !currency || currency === 'INR' ? '₹' : `${currency} `;
  return (
    <span className={`whitespace-nowrap tabular-nums ${className}`} title={`${value} ${currency ?? ''}`.trim()}>
      {symbol}
      {groupIndian(shown)}
    </span>
  );
}

export { groupIndian };

/** An exact IST time, for the places that need the second (timelines, audit rows). */
export function IstTime({ value }: { value: Date | null }) {
  if (!value) return <Dash />;
  return (
    <time dateTime={value.toISOString()} className="tabular-nums">
      {formatIst(value)}
    </time>
  );
}

const FAMILY_STYLE: Record<string, string> = {
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
  failed: 'bg-red-50 text-red-800 ring-red-600/20',
  cancelled: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  open: 'bg-amber-50 text-amber-900 ring-amber-600/20',
};

/**
 * A status in words ("Pending with bank"), coloured by its family. `label` overrides the words
 * for badges that are not payment statuses (an outcome, "active"); the code is in the title.
 */
export function StatusBadge({ status, family, label }: { status: string; family: string; label?: string }) {
  return (
    <span
      title={label ? undefined : status}
      className={`inline-flex items-center whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${FAMILY_STYLE[family] ?? FAMILY_STYLE.open}`}
    >
      {label ?? statusLabel(status)}
    </span>
  );
}

/** A payment mode in words: "Credit card", "UPI", "Pay later". */
export function Mode({ mode }: { mode: string | null }) {
  return mode ? <>{modeLabel(mode)}</> : <Dash />;
}

export function CardLabel({ scheme, last4 }: { scheme: string | null; last4: string | null }) {
  if (!last4 && !scheme) return <Dash />;
  return (
    <span className="whitespace-nowrap tabular-nums">
      {scheme ? `${scheme} ` : ''}
      {last4 ? `•••• ${last4}` : ''}
    </span>
  );
}
