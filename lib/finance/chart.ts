// Chart geometry for the finance page. Amounts stay BigInt until they become a pixel share, so
// an axis label or a bar height never depends on how a float rounds a sum.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const UNIT = 10_000n; // numeric(18,4)

/** Exact 1/10^4 units of a numeric text: "12.5" → 125000n. */
export function moneyUnits(value: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(value);
  if (!m) throw new TypeError(`not a money value: ${value}`);
  const units = BigInt(m[2]) * UNIT + BigInt((m[3] ?? '').padEnd(4, '0'));
  return m[1] ? -units : units;
}

/**
 * A rupee axis from 0 to a round top above `max`: steps of 1, 2 or 5 × 10^k, at most
 * `maxTicks` of them, so labels read ₹0, ₹50K, ₹1L, ₹1.5L.
 */
export function moneyAxis(max: string, maxTicks = 4): { top: bigint; ticks: bigint[] } {
  const units = moneyUnits(max);
  const rupees = units <= 0n ? 0n : (units + UNIT - 1n) / UNIT;
  let step = 1n;
  for (let scale = 1n; ; scale *= 10n) {
    const nice = [1n, 2n, 5n].map((m) => m * scale).find((s) => s * BigInt(maxTicks) >= rupees);
    if (nice !== undefined) {
      step = nice;
      break;
    }
  }
  const count = rupees === 0n ? BigInt(maxTicks) : (rupees + step - 1n) / step;
  const ticks = Array.from({ length: Number(count) + 1 }, (_, i) => BigInt(i) * step);
  return { top: ticks.at(-1)!, ticks };
}

/** `value` as a share of `topRupees`, 0–1, to four places: only ever a pixel position. */
export function shareOf(value: string, topRupees: bigint): number {
  if (topRupees <= 0n) return 0;
  const share = (moneyUnits(value) * 10_000n) / (topRupees * UNIT);
  return Math.min(1, Math.max(0, Number(share) / 10_000));
}

/** ₹0, ₹750, ₹2.5K, ₹1.2L, ₹3Cr — Indian short scale, one decimal at most. */
export function compactInr(rupees: bigint): string {
  const scales: [bigint, string][] = [
    [10_000_000n, 'Cr'],
    [100_000n, 'L'],
    [1_000n, 'K'],
  ];
  for (const [size, suffix] of scales) {
    if (rupees >= size) {
      const tenths = (rupees * 10n + size / 2n) / size;
      const text = tenths % 10n === 0n ? `${tenths / 10n}` : `${tenths / 10n}.${tenths % 10n}`;
      return `₹${text}${suffix}`;
    }
  }
  return `₹${rupees}`;
}

/** `2025-02-07` → `7 Feb` (short) or `Fri, 7 Feb 2025` (long). */
export function dayLabel(day: string, long = false): string {
  const [y, m, d] = day.split('-').map(Number);
  const short = `${d} ${MONTHS[m - 1]}`;
  if (!long) return short;
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday}, ${short} ${y}`;
}
