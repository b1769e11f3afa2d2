'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';

/**
 * Tooltips for the server-drawn chart: any element inside with `data-tip` shows its text next to
 * the pointer, and one with `data-href` opens that page when clicked. The chart stays server SVG
 * (an image to assistive technology, with links only in the table beside it); this adds a few
 * lines of script, not a chart library.
 */
export function ChartTooltip({ children }: { children: React.ReactNode }) {
  const router = useRouter();
  const box = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<{ text: string; x: number; y: number } | null>(null);
  const move = (e: React.PointerEvent) => {
    const el = (e.target as Element).closest('[data-tip]');
    const rect = box.current?.getBoundingClientRect();
    if (!el || !rect) return setTip(null);
    setTip({ text: el.getAttribute('data-tip') ?? '', x: e.clientX - rect.left, y: e.clientY - rect.top });
  };
  const width = box.current?.clientWidth ?? 0;
  return (
    <div
      ref={box}
      className="relative"
      onPointerMove={move}
      onPointerLeave={() => setTip(null)}
      onClick={(e) => {
        const href = (e.target as Element).closest('[data-href]')?.getAttribute('data-href');
        if (href) router.push(href);
      }}
    >
      {children}
      {tip && (
        <div
          role="tooltip"
          className="pointer-events-none absolute z-10 max-w-64 rounded-md bg-slate-900 px-2.5 py-1.5 text-xs text-white shadow-lg"
          style={{ left: Math.min(tip.x + 12, Math.max(0, width - 260)), top: Math.max(0, tip.y - 48) }}
        >
          {tip.text.split('\n').map((line, i) => (
            <div key={i} className={i === 0 ? 'font-semibold' : undefined}>
              {line}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
