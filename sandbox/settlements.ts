import { createHash } from 'node:crypto';
import { json, RawNumber, type Route, type SandboxRequest } from './http';
import type { SandboxState } from './state';

/**
 * Enkash settlement payouts, made up from the successful Enkash payments the simulator knows
 * (DESIGN.md "Refunds, settlements and order status"). Realistic where Enkash publishes something:
 * T+1 (UPI, net banking, wallets, pay later) or T+2 (cards), MDR by payment mode plus 18 % GST on it,
 * refunds netted as REFUND lines. And the faults a finance team meets, each chosen per payout day by
 * a hash (so the same payout is the same on every call, and a re-sync changes nothing):
 * - short_line: one line's sale amount a few paise short of the payment;
 * - unsettled: one payment left out of every payout;
 * - unknown_line: a line for a payment PayOps never saw;
 * - settled_twice: a payment of the payout before settled again;
 * - late: the payout paid three days late;
 * - excess_fee: one line charged more than the contract;
 * - refund_not_netted: a refund not taken off the payout.
 * Money is computed in 1/10,000 rupee units (BigInt) and printed with two or four decimals.
 */

export const SETTLEMENT_FAULTS = ['short_line', 'unsettled', 'unknown_line', 'settled_twice', 'late', 'excess_fee', 'refund_not_netted'] as const;
export type SettlementFault = (typeof SETTLEMENT_FAULTS)[number];

export interface SettlementPlan {
  /** Chance (0–1) that a payout has each fault. */
  chances: Partial<Record<SettlementFault, number>>;
  /** Payout days (YYYY-MM-DD, IST) with exactly these faults, whatever the chances (the demo's "yesterday"). */
  featured: Record<string, SettlementFault[]>;
}

export const DEFAULT_PLAN: SettlementPlan = {
  chances: { short_line: 0.15, unsettled: 0.1, unknown_line: 0.1, settled_twice: 0.05, late: 0.05, excess_fee: 0.15, refund_not_netted: 0.1 },
  featured: {},
};

/** The simulated merchant's MDR in percent, by payment mode; GST is 18 % of it. The demo's contract says the same. */
export const SIM_MDR_PERCENT: Record<string, string> = {
  UPI: '0.0000',
  NET_BANKING: '1.5000',
  WALLET: '1.9000',
  PAY_LATER: '2.0000',
  CREDIT_CARD: '1.8000',
  DEBIT_CARD: '0.9000',
  PREPAID_CARD: '1.8000',
  CORPORATE_CARD: '2.5000',
  UPI_CREDIT_CARD: '1.5000',
};
const DEFAULT_MDR = '2.0000';
const CARD_MODES = new Set(['CREDIT_CARD', 'DEBIT_CARD', 'PREPAID_CARD', 'CORPORATE_CARD', 'UPI_CREDIT_CARD']);
const SETTLED_STATUSES = new Set(['SUCCESS', 'PARTIALLY_REFUNDED', 'REFUNDED']);

const UNIT = 10_000n;
const units = (s: string): bigint => {
  const neg = s.startsWith('-');
  const [w, f = ''] = (neg ? s.slice(1) : s).split('.');
  const u = BigInt(w) * UNIT + BigInt((f + '0000').slice(0, 4));
  return neg ? -u : u;
};
const text4 = (u: bigint): string => {
  const neg = u < 0n;
  const m = neg ? -u : u;
  return `${neg ? '-' : ''}${m / UNIT}.${(m % UNIT).toString().padStart(4, '0')}`;
};
/** Rounded half up to whole paise (100 units). */
const paise = (u: bigint): bigint => {
  const neg = u < 0n;
  const m = neg ? -u : u;
  const r = ((m + 50n) / 100n) * 100n;
  return neg ? -r : r;
};
const percentOf = (amount: bigint, percent: string): bigint => paise((amount * units(percent)) / (100n * UNIT));
const num = (u: bigint) => new RawNumber(text4(u));

interface SimPayment {
  id: string;
  day: string;
  amount: bigint;
  mode: string;
  status: string;
}

interface SimLine {
  /** The payment's IST day and mode: PayOps expects the others of a day and mode in the same payout. */
  cohort: string;
  settlementTransactionId: string;
  transactionType: 'SALE' | 'REFUND';
  sale: bigint;
  charges: bigint;
  tax: bigint;
  mdrPercent: string;
}

interface SimPayout {
  id: string;
  /** The day whose payments it settles (T+1/T+2 counted to this). */
  day: string;
  payoutAt: Date;
  lines: SimLine[];
  faults: SettlementFault[];
}

const istDay = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const hashUnit = (...parts: string[]) => createHash('sha256').update(parts.join('|')).digest().readUInt32BE(0) / 2 ** 32;
const hashDigits = (n: number, ...parts: string[]) =>
  BigInt(`0x${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 15)}`).toString().padStart(n, '0').slice(-n);

/** `YYYY-MM-DD HH:mm:ss` India time → the instant; null when it is not that. */
function istInstant(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const ms = Date.parse(`${value.replace(' ', 'T')}+05:30`);
  return Number.isNaN(ms) ? null : ms;
}

/** Builds payouts from the state's Enkash payments; cached until a payment is registered or changed. */
export class SettlementBook {
  plan: SettlementPlan = DEFAULT_PLAN;
  private cache: { key: string; payouts: SimPayout[] } | null = null;

  constructor(private readonly state: SandboxState) {}

  setPlan(plan: Partial<SettlementPlan>): SettlementPlan {
    this.plan = { chances: plan.chances ?? this.plan.chances, featured: plan.featured ?? this.plan.featured };
    this.cache = null;
    return this.plan;
  }

  /** Payouts paid by `now`, newest first. */
  payouts(now = new Date()): SimPayout[] {
    const key = `${this.state.version}|${JSON.stringify(this.plan)}`;
    if (this.cache?.key !== key) this.cache = { key, payouts: this.build() };
    return this.cache.payouts.filter((p) => p.payoutAt.getTime() <= now.getTime());
  }

  private payments(): SimPayment[] {
    const out: SimPayment[] = [];
    for (const txn of this.state.allTxns()) {
      if (txn.provider !== 'enkash' || !SETTLED_STATUSES.has(txn.status) || !txn.payload) continue;
      const at = istInstant(txn.payload.txnDate);
      const amountText = txn.payload.finalAmount ?? txn.payload.amount ?? txn.amount;
      if (at === null || typeof amountText !== 'string' || !/^\d+(\.\d+)?$/.test(amountText)) continue;
      out.push({ id: txn.id, day: istDay(at), amount: units(amountText), mode: String(txn.payload.paymentMode ?? 'UPI'), status: txn.status });
    }
    return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.id < b.id ? -1 : 1));
  }

  /** A featured day has exactly its faults (the demo's story must not turn into a late payout); others by chance. */
  private faultsFor(day: string): SettlementFault[] {
    const featured = this.plan.featured[day];
    if (featured) return SETTLEMENT_FAULTS.filter((f) => featured.includes(f));
    return SETTLEMENT_FAULTS.filter((f) => hashUnit('fault', day, f) < (this.plan.chances[f] ?? 0));
  }

  private build(): SimPayout[] {
    const byDay = new Map<string, SimLine[]>();
    const saleLine = (p: SimPayment, mdrPercent: string): SimLine => {
      const charges = percentOf(p.amount, mdrPercent);
      return { cohort: `${p.day}|${p.mode}`, settlementTransactionId: p.id, transactionType: 'SALE', sale: p.amount, charges, tax: percentOf(charges, '18'), mdrPercent };
    };
    for (const p of this.payments()) {
      const day = addDays(p.day, CARD_MODES.has(p.mode) ? 2 : 1);
      const lines = byDay.get(day) ?? [];
      lines.push(saleLine(p, SIM_MDR_PERCENT[p.mode] ?? DEFAULT_MDR));
      if (p.status !== 'SUCCESS') {
        const refund = p.status === 'REFUNDED' ? p.amount : paise(p.amount / 2n);
        lines.push({ cohort: `${p.day}|${p.mode}`, settlementTransactionId: p.id, transactionType: 'REFUND', sale: -refund, charges: 0n, tax: 0n, mdrPercent: '0.0000' });
      }
      byDay.set(day, lines);
    }
    const payouts: SimPayout[] = [];
    const days = [...byDay.keys()].sort();
    let previous: SimLine[] = [];
    for (const day of days) {
      const lines = byDay.get(day)!;
      const faults = this.faultsFor(day);
      const cohorts = new Map<string, number>();
      for (const l of lines) if (l.transactionType === 'SALE') cohorts.set(l.cohort, (cohorts.get(l.cohort) ?? 0) + 1);
      const pickSale = (salt: string, except: Set<number> = new Set(), inCohort = false) => {
        const sales = lines
          .map((l, i) => [l, i] as const)
          .filter(([l, i]) => l.transactionType === 'SALE' && l.sale > 10_000n && !except.has(i) && (!inCohort || (cohorts.get(l.cohort) ?? 0) > 1));
        return sales.length ? sales[Math.floor(hashUnit(salt, day) * sales.length)][1] : -1;
      };
      const touched = new Set<number>();
      const out = lines.map((l) => ({ ...l }));
      if (faults.includes('short_line')) {
        const i = pickSale('short');
        if (i >= 0) {
          touched.add(i);
          out[i].sale -= BigInt(100 + Math.floor(hashUnit('paise', day) * 8) * 100); // ₹0.01–0.08 short
        }
      }
      if (faults.includes('excess_fee')) {
        const i = pickSale('excess', touched);
        if (i >= 0) {
          touched.add(i);
          const mdr = (Number(out[i].mdrPercent) + 0.75).toFixed(4);
          out[i].mdrPercent = mdr;
          out[i].charges = percentOf(out[i].sale, mdr) + 500n; // plus ₹0.05 fixed the contract does not have
          out[i].tax = percentOf(out[i].charges, '18');
        }
      }
      const drop = new Set<number>();
      if (faults.includes('unsettled')) {
        // One of several payments of its day and mode, so the payout shows it was left out.
        const i = pickSale('unsettled', touched, true) >= 0 ? pickSale('unsettled', touched, true) : pickSale('unsettled', touched);
        if (i >= 0) {
          drop.add(i);
          // Its refund (if any) goes with it.
          out.forEach((l, j) => l.settlementTransactionId === out[i].settlementTransactionId && drop.add(j));
        }
      }
      if (faults.includes('refund_not_netted')) {
        const i = out.findIndex((l, j) => l.transactionType === 'REFUND' && !drop.has(j));
        if (i >= 0) drop.add(i);
      }
      const kept = out.filter((_, i) => !drop.has(i));
      if (faults.includes('unknown_line')) {
        const sale = 100_0000n + BigInt(Math.floor(hashUnit('unknown-amount', day) * 5000)) * 100n;
        kept.push(saleLine({ id: `EKX${hashDigits(12, 'unknown', day)}`, day, amount: sale, mode: 'UPI', status: 'SUCCESS' }, '0.0000'));
      }
      if (faults.includes('settled_twice')) {
        const again = previous.find((l) => l.transactionType === 'SALE');
        if (again) kept.push({ ...again });
      }
      previous = lines;
      const paidOn = faults.includes('late') ? addDays(day, 3) : day;
      const payoutAt = new Date(Date.parse(`${paidOn}T10:30:00+05:30`) + Math.floor(hashUnit('minute', day) * 90) * 60_000);
      payouts.push({ id: `SP${day.replaceAll('-', '')}`, day, payoutAt, lines: kept, faults });
    }
    return payouts.sort((a, b) => b.payoutAt.getTime() - a.payoutAt.getTime());
  }
}

function payoutJson(p: SimPayout, withLines: boolean) {
  let sale = 0n, refund = 0n, charges = 0n, gst = 0n;
  for (const l of p.lines) {
    if (l.transactionType === 'SALE') sale += l.sale;
    else refund += -l.sale;
    charges += l.charges;
    gst += l.tax;
  }
  const ist = new Date(p.payoutAt.getTime() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  return {
    settlementPayoutId: p.id,
    totalSaleAmount: num(sale),
    totalRefundAmount: num(refund),
    totalCharges: num(charges),
    totalGst: num(gst),
    totalSettlementAmount: num(sale - refund - charges - gst),
    refundChargebackAmount: num(0n),
    carryForwardAmount: num(0n),
    adjustmentAmount: num(0n),
    payoutStatus: 'SUCCESS',
    payoutMode: 'IMPS',
    utr: `UTR${hashDigits(12, 'utr', p.id)}`,
    payoutDate: ist,
    transferId: `TRF${hashDigits(10, 'transfer', p.id)}`,
    transferResponseReason: null,
    ...(withLines
      ? {
          settlementTransactionResponses: p.lines.map((l) => ({
            settlementTransactionId: l.settlementTransactionId,
            saleAmount: num(l.sale),
            txnAmount: num(l.sale),
            taxAmount: num(l.tax),
            charges: num(l.charges),
            settlementAmount: num(l.sale - l.charges - l.tax),
            transactionType: l.transactionType,
            settlementStatus: 'SETTLED',
            acquirerGstAmount: num(l.tax),
            merchantMdrMode: 'PERCENTAGE',
            merchantMdr: new RawNumber(l.mdrPercent),
            netProfit: num(0n),
            profitGst: num(0n),
          })),
        }
      : {}),
  };
}

export function settlementRoutes(book: SettlementBook, authorized: (req: SandboxRequest, state: SandboxState) => boolean): Route[] {
  const unauthorized = () => json(401, { response_code: 401, response_message: 'Unauthorized', payload: null });
  return [
    {
      method: 'POST',
      path: '/enkash/api/v0/settlement-payout/search',
      endpoint: 'enkash.settlements',
      handle(req, state) {
        if (!authorized(req, state)) return unauthorized();
        const q = new URLSearchParams(req.rawQuery ?? '');
        const limit = Number(q.get('limit') ?? '100');
        const offset = Number(q.get('offset') ?? '0');
        if (!Number.isInteger(limit) || limit < 1 || limit > 5000 || !Number.isInteger(offset) || offset < 0) {
          return json(400, { response_code: 400, response_message: 'limit must be 1–5000 and offset ≥ 0', payload: null });
        }
        let list = book.payouts();
        const ids = req.body?.settlementPayoutIds ?? (req.body?.settlementPayoutId ? [req.body.settlementPayoutId] : null);
        if (Array.isArray(ids)) list = list.filter((p) => ids.includes(p.id));
        if ((q.get('direction') ?? 'DESC').toUpperCase() === 'ASC') list = [...list].reverse();
        return json(200, {
          response_code: 0,
          response_message: 'SUCCESS',
          payload: { settlementPayouts: list.slice(offset, offset + limit).map((p) => payoutJson(p, false)), total: list.length },
        });
      },
    },
    {
      method: 'GET',
      path: '/enkash/api/v0/settlement-payout/:id',
      endpoint: 'enkash.settlements',
      handle(req, state) {
        if (!authorized(req, state)) return unauthorized();
        const payout = book.payouts().find((p) => p.id === req.params.id);
        if (!payout) return json(404, { response_code: 404, response_message: 'Settlement payout not found', payload: null });
        return json(200, { response_code: 0, response_message: 'SUCCESS', payload: payoutJson(payout, true) });
      },
    },
  ];
}
