import { Dash } from '@/app/_components/format';
import { describeFlag, REVIEW_FLAGS } from '@/lib/payments/flags';

/** A flag needs review until its case is resolved (lib/cases); without case states, by its kind alone. */
const needsReview = (flag: string, cases?: Record<string, string>) => REVIEW_FLAGS.has(flag) && cases?.[flag] !== 'resolved';
const chip = (flag: string, cases?: Record<string, string>) =>
  needsReview(flag, cases) ? 'bg-red-50 text-red-800 ring-red-600/20' : 'bg-slate-100 text-slate-700 ring-slate-500/20';

/** Compact flags for tables; the words are in the tooltip. `cases`: the state of each flag's case. */
export function FlagBadges({ flags, cases }: { flags: string[]; cases?: Record<string, string> }) {
  if (flags.length === 0) return <Dash />;
  return (
    <span className="flex flex-wrap gap-1">
      {flags.map((f) => (
        <span key={f} title={describeFlag(f)} data-case-state={cases?.[f]} className={`whitespace-nowrap rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${chip(f, cases)}`}>
          {f.replaceAll('_', ' ')}
          {cases?.[f] === 'resolved' && ' ✓'}
          {needsReview(f, cases) && <span className="sr-only"> (needs review)</span>}
          {cases?.[f] === 'resolved' && <span className="sr-only"> (resolved)</span>}
        </span>
      ))}
    </span>
  );
}

/** Flags with what each means, for the payment page. */
export function FlagList({ flags, cases }: { flags: string[]; cases?: Record<string, string> }) {
  if (flags.length === 0) return <p className="text-sm text-slate-600">No flags: nothing here needs a person.</p>;
  return (
    <ul className="space-y-2">
      {flags.map((f) => (
        <li key={f} className="text-sm">
          <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${chip(f, cases)}`}>{f.replaceAll('_', ' ')}</span>
          <span className="text-slate-700">{describeFlag(f)}</span>
          {needsReview(f, cases) && <span className="ml-1 font-medium text-red-700">Needs review.</span>}
          {cases?.[f] === 'resolved' && <span className="ml-1 font-medium text-emerald-800">Resolved.</span>}
        </li>
      ))}
    </ul>
  );
}
