import { groupIndian } from '@/app/_components/format';
import { compactInr, dayLabel, moneyAxis, shareOf } from '@/lib/finance/chart';
import type { CurrencyTotals } from '@/lib/finance/totals';
import { compareMoney, formatMoney } from '@/lib/money';
import { ChartTooltip } from './chart-tooltip';

const W = 960;
const H = 300;
const M = { top: 16, right: 52, bottom: 32, left: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const rateText = (rate: string | null) => (rate === null ? 'no final payments' : `success rate ${rate}%`);
const y = (share: number) => M.top + PLOT_H * (1 - share);
const rupees = (v: string) => `₹${groupIndian(formatMoney(v))}`;

/**
 * Daily gross volume as bars and success rate as a line, drawn on the server as SVG. The chart's
 * name and description are plain attributes and a paragraph beside it (an SVG <title> with
 * several text parts made React's hydration fail and left the chart unnamed). A click on a bar
 * opens that day's payments; hovering shows the day's figures.
 */
export function VolumeChart({ days }: { days: CurrencyTotals['days'] }) {
  const max = days.reduce((m, d) => (compareMoney(d.gross, m) > 0 ? d.gross : m), '0.0000');
  const axis = moneyAxis(max);
  const empty = days.every((d) => d.count === 0);
  const slot = PLOT_W / days.length;
  const barWidth = Math.max(1, Math.min(28, slot * 0.68));
  const labelEvery = Math.ceil(days.length / 10);
  const x = (i: number) => M.left + slot * i + slot / 2;

  // The line breaks over days without a final payment rather than dropping to 0%.
  let path = '';
  days.forEach((d, i) => {
    if (d.successRate === null) return;
    const prev = days[i - 1];
    path += `${i > 0 && prev.successRate !== null ? 'L' : 'M'}${x(i).toFixed(1)},${y(Number(d.successRate) / 100).toFixed(1)}`;
  });

  const hasRate = (i: number) => i < 0 || i >= days.length || days[i].successRate !== null;
  const first = days[0].day;
  const last = days.at(-1)!.day;
  const peak = days.find((d) => d.gross === max && d.count > 0);
  const name = `Daily gross volume and success rate, ${dayLabel(first, true)} to ${dayLabel(last, true)} (IST)`;
  const description = `Bars show each IST day's gross volume on the left axis, from ₹0 to ${compactInr(axis.top)}; the line shows the success rate on the right axis, from 0% to 100%. ${
    peak ? `The busiest day was ${dayLabel(peak.day, true)} with ${rupees(peak.gross)}.` : 'There were no payments.'
  } The table "By day" below has every figure.`;
  return (
    <figure className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-5">
      <figcaption className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <span className="text-sm font-medium text-slate-900">Daily volume and success rate</span>
        <span className="flex items-center gap-4 text-xs text-slate-600">
          <span className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block size-2.5 rounded-sm bg-indigo-500" />
            Gross volume
          </span>
          <span className="flex items-center gap-1.5">
            <span aria-hidden className="inline-block h-0.5 w-4 rounded bg-emerald-600" />
            Success rate
          </span>
        </span>
      </figcaption>
      <p id="volume-desc" className="sr-only">
        {description}
      </p>
      <ChartTooltip>
        <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={name} aria-describedby="volume-desc" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {(empty ? [0n] : axis.ticks).map((tick) => {
            const ty = y(shareOf(`${tick}`, axis.top));
            return (
              <g key={`${tick}`}>
                <line x1={M.left} x2={W - M.right} y1={ty} y2={ty} className={tick === 0n ? 'stroke-slate-300' : 'stroke-slate-100'} />
                <text x={M.left - 10} y={ty} dy="0.32em" textAnchor="end" fontSize="11" className="fill-slate-600">
                  {compactInr(tick)}
                </text>
              </g>
            );
          })}
          {/* Only the ends: labels between them would not sit on the rupee gridlines. */}
          {[0, 100].map((pct) => (
            <text key={pct} x={W - M.right + 10} y={y(pct / 100)} dy="0.32em" fontSize="11" className="fill-emerald-700">
              {pct}%
            </text>
          ))}

          {days.map((d, i) => {
            const h = PLOT_H * shareOf(d.gross, axis.top);
            const tip = `${dayLabel(d.day, true)}\n${rupees(d.gross)} gross · ${d.count.toLocaleString('en-IN')} payments\n${rateText(d.successRate)}`;
            return (
              // A click on a bar opens that day's payments (ChartTooltip); the keyboard has the same links in the day table.
              <g key={d.day} data-href={`/payments?from=${d.day}&to=${d.day}`} data-tip={tip} className="group cursor-pointer">
                {/* A full-height transparent target, so thin or empty days still show their tooltip. */}
                <rect x={M.left + slot * i} y={M.top} width={slot} height={PLOT_H} fill="transparent" className="group-hover:fill-slate-100/60" />
                {d.count > 0 && (
                  <rect x={x(i) - barWidth / 2} y={y(0) - Math.max(h, 1)} width={barWidth} height={Math.max(h, 1)} rx={Math.min(3, barWidth / 4)} className="fill-indigo-500 group-hover:fill-indigo-600" />
                )}
                {i % labelEvery === 0 && (
                  <text x={x(i)} y={H - M.bottom + 18} textAnchor="middle" fontSize="11" className="fill-slate-600">
                    {dayLabel(d.day)}
                  </text>
                )}
              </g>
            );
          })}

          {empty && (
            <text x={M.left + PLOT_W / 2} y={M.top + PLOT_H / 2} textAnchor="middle" fontSize="13" className="fill-slate-500">
              No payments in this range
            </text>
          )}
          <path d={path} fill="none" strokeWidth={1.75} strokeLinejoin="round" strokeLinecap="round" pointerEvents="none" className="stroke-emerald-600" />
          {/* Points only when they are few, or a lone day between gaps would not show at all. */}
          {days.map((d, i) =>
            d.successRate === null || (days.length > 14 && hasRate(i - 1) && hasRate(i + 1)) ? null : (
              <circle key={d.day} cx={x(i)} cy={y(Number(d.successRate) / 100)} r={2.5} strokeWidth={1.5} pointerEvents="none" className="fill-white stroke-emerald-600" />
            ),
          )}
        </svg>
      </ChartTooltip>
    </figure>
  );
}
