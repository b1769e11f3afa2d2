'use client';

import { useEffect, useState } from 'react';
import { Tip } from './tooltip';

/** Writes text to the clipboard; falls back to a hidden textarea where the Clipboard API is missing (plain http). */
async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}

/** A small copy button beside an id: "Copy transaction id EK…", then "Copied" for a moment. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const said = state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy' : `Copy ${label}`;
  return (
    <Tip content={said}>
      <button
        type="button"
        data-copy={value}
        onClick={async (e) => {
          // Inside a clickable row: copying must not also open the payment.
          e.preventDefault();
          e.stopPropagation();
          setState((await copyText(value)) ? 'copied' : 'failed');
        }}
        className="relative z-10 inline-flex size-6 shrink-0 items-center justify-center rounded text-slate-500 hover:bg-slate-100 hover:text-slate-900"
      >
        <span className="sr-only">{`Copy ${label} ${value}`}</span>
        {state === 'copied' ? (
          <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M3 8.5l3 3 7-7" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        ) : (
          <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
            <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
            <path d="M10.5 5V3.5A1.5 1.5 0 0 0 9 2H3.5A1.5 1.5 0 0 0 2 3.5V9a1.5 1.5 0 0 0 1.5 1.5H5" />
          </svg>
        )}
        <span role="status" className="sr-only">
          {state === 'copied' ? 'Copied' : ''}
        </span>
      </button>
    </Tip>
  );
}
