import { addMoney, formatMoney } from '@/lib/money';
import { formatIstDate } from '@/lib/time';
import type { ExceptionRow, PaymentSettlement } from './queries';
import type { ReconcileSettings } from './reconcile';

export interface SettlementStatement {
  tone: 'ok' | 'waiting' | 'problem' | 'none';
  text: string;
  /** The payout it was settled in, or the exception to look at. */
  link?: { href: string; label: string };
}

const rupees = (v: string | null) => `₹${formatMoney(v ?? '0')}`;

/**
 * What the payment page says about a payment's money reaching the merchant: "Settled on 12 Nov
 * 2026 in payout SP123 (UTR …), fee ₹x + GST ₹y", or why not.
 */
export function settlementStatement(
  p: { provider: string; statusFamily: string; txnAt: Date; paymentMode: string | null },
  lines: PaymentSettlement['lines'],
  exceptions: Pick<ExceptionRow, 'id' | 'kind' | 'state' | 'summary'>[],
  dueDays: ReconcileSettings['dueDays'],
  now = new Date(),
): SettlementStatement {
  if (p.provider !== 'enkash') return { tone: 'none', text: 'Settlement not tracked: PayOps reconciles Enkash payouts only.' };
  const sales = lines.filter((l) => l.transactionType === 'SALE');
  const refunds = lines.filter((l) => l.transactionType === 'REFUND');
  const open = exceptions.find((e) => e.state === 'open');
  const problem = open ? { href: `/settlements/exceptions?id=${open.id}#exception-${open.id}`, label: `Exception #${open.id}` } : undefined;
  if (sales.length > 0) {
    const s = sales[0];
    const when = s.payoutAt ? formatIstDate(s.payoutAt) : 'an unknown day';
    let text = `Settled on ${when} in payout ${s.payoutId}${s.utr ? ` (UTR ${s.utr})` : ''}, fee ${rupees(s.charges)} + GST ${rupees(s.taxAmount)}`;
    if (sales.length > 1) text += `; settled again in payout ${sales.slice(1).map((x) => x.payoutId).join(', ')}`;
    if (refunds.length > 0) text += `; refund ${rupees(addMoney(...refunds.map((r) => (r.saleAmount ?? '0').replace('-', ''))))} taken off in payout ${refunds.map((r) => r.payoutId).join(', ')}`;
    text += '.';
    if (open) return { tone: 'problem', text: `${text} ${open.summary}.`, link: problem };
    return { tone: 'ok', text, link: { href: `/settlements/${s.payoutRowId}`, label: `Payout ${s.payoutId}` } };
  }
  if (p.statusFamily !== 'success') return { tone: 'none', text: 'Not settled: only successful payments are settled.' };
  if (open) return { tone: 'problem', text: `Not settled: ${open.summary}.`, link: problem };
  const days = (p.paymentMode && dueDays.modes[p.paymentMode]) || dueDays.default;
  const due = new Date(p.txnAt.getTime() + days * 86_400_000);
  if (now < due) return { tone: 'waiting', text: `Not settled yet: expected in a payout by ${formatIstDate(due)} (T+${days}).` };
  return { tone: 'problem', text: `Not in any payout PayOps has synced, ${days}+ days after the payment: sync settlements, or look for it in the exceptions.` };
}
