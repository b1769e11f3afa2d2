import { formatMoney } from '@/lib/money';
import { formatIst } from '@/lib/time';

/** Money for display: rounded for the eye only; the exact value stays in the title and exports. */
export function Money({ value, currency = 'INR', exact = false }: { value: string | null; currency?: string | null; exact?: boolean }) {
  if (value === null) return <span className="text-slate-400">—</span>;
  const shown = exact ? value : formatMoney(value, 2);
  const symbol = !currency || currency === 'INR' ? '₹' : `${currency} `;
  return (
    <span className="tabular-nums" title={`${value} ${currency ?? ''}`.trim()}>
      {symbol}
      {groupIndian(shown)}
    </span>
  );
}

/** 1234567.50 → 12,34,567.50 (Indian digit grouping). */
export function groupIndian(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [int, frac] = (negative ? decimal.slice(1) : decimal).split('.');
  const last3 = int.slice(-3);
  const rest = int.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  const grouped = rest ? `${rest},${last3}` : last3;
  return `${negative ? '-' : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

export function IstTime({ value }: { value: Date | null }) {
  if (!value) return <span className="text-slate-400">—</span>;
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
  open: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

export function StatusBadge({ status, family }: { status: string; family: string }) {
  return (
    <span className={`inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${FAMILY_STYLE[family] ?? FAMILY_STYLE.open}`}>
      {status}
    </span>
  );
}

export function CardLabel({ scheme, last4 }: { scheme: string | null; last4: string | null }) {
  if (!last4 && !scheme) return <span className="text-slate-400">—</span>;
  return (
    <span className="whitespace-nowrap tabular-nums">
      {scheme ? `${scheme} ` : ''}
      {last4 ? `•••• ${last4}` : ''}
    </span>
  );
}
