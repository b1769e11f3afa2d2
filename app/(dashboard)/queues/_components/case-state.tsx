import type { CaseState } from '@/db/schema';

const STYLE: Record<CaseState, string> = {
  open: 'bg-red-50 text-red-800 ring-red-600/20',
  reopened: 'bg-red-50 text-red-800 ring-red-600/20',
  assigned: 'bg-amber-50 text-amber-900 ring-amber-600/30',
  resolved: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20',
};
const WORDS: Record<CaseState, string> = { open: 'Open', reopened: 'Reopened', assigned: 'Assigned', resolved: 'Resolved' };

export function CaseStateBadge({ state }: { state: CaseState }) {
  return <span className={`whitespace-nowrap rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLE[state]}`}>{WORDS[state]}</span>;
}
