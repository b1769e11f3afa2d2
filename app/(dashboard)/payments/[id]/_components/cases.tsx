import { CaseButton, NoteForm, ResolveForm } from '@/app/(dashboard)/queues/_components/case-forms';
import { CaseStateBadge } from '@/app/(dashboard)/queues/_components/case-state';
import { IstTime } from '@/app/_components/format';
import type { StaffUser } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { caseKindLabel, resolutionLabel, resolvePermission, RESOLUTIONS } from '@/lib/cases/kinds';
import type { PaymentCase } from '@/lib/cases/queries';
import { describeFlag } from '@/lib/payments/flags';
import { Section } from '../../_components/section';

const ACTION_WORDS: Record<string, string> = { opened: 'Opened', reopened: 'Reopened', assigned: 'Assigned', unassigned: 'Handed back', resolved: 'Resolved', noted: 'Note' };
const RESOLUTION_OPTIONS = Object.entries(RESOLUTIONS).map(([value, label]) => ({ value, label }));

/** Every case of the payment — resolved ones too, never deleted — with its notes and timeline, and what this person may do. */
export function CasesSection({ cases, user }: { cases: PaymentCase[]; user: StaffUser }) {
  if (cases.length === 0) return null;
  return (
    <Section title="Review" id="review" className="scroll-mt-4">
      <ul className="space-y-4">
        {cases.map((c) => {
          const mayResolve = can(user.role, resolvePermission(c.kind));
          const mayWork = can(user.role, 'cases.work');
          return (
            <li key={c.id} id={`case-${c.id}`} className="scroll-mt-4 rounded-md border border-slate-200 p-3" data-testid="case" data-case-state={c.state} data-case-kind={c.kind}>
              <div className="flex flex-wrap items-center gap-2">
                <h3 className="text-sm font-semibold">{caseKindLabel(c.kind)}</h3>
                <CaseStateBadge state={c.state} />
                {c.state === 'assigned' && <span className="text-xs text-slate-600">{c.assigneeId === user.id ? 'You have it' : `${c.assigneeName ?? 'Someone'} has it`}</span>}
              </div>
              <p className="mt-1 text-xs text-slate-600">{describeFlag(c.kind)}</p>
              {c.state === 'resolved' && (
                <p className="mt-2 text-sm" data-testid="case-resolution">
                  <strong>{resolutionLabel(c.resolution)}</strong>
                  {c.resolvedByName && ` — ${c.resolvedByName}`}
                  {c.resolutionNote && <span className="mt-1 block whitespace-pre-wrap break-words text-slate-800">“{c.resolutionNote}”</span>}
                </p>
              )}
              {c.state !== 'resolved' && mayWork && (
                <div className="mt-3 flex flex-wrap items-start gap-4">
                  {c.assigneeId !== user.id && <CaseButton caseId={c.id} version={c.version} action="assign" label={c.assigneeId ? 'Take over' : 'Take it'} />}
                  {c.assigneeId === user.id && <CaseButton caseId={c.id} version={c.version} action="unassign" label="Hand back" />}
                  {mayResolve ? (
                    <div className="min-w-64 flex-1">
                      <ResolveForm caseId={c.id} version={c.version} resolutions={RESOLUTION_OPTIONS} kindLabel={caseKindLabel(c.kind)} />
                    </div>
                  ) : (
                    <p className="text-xs text-slate-600">{resolvePermission(c.kind) === 'cases.resolve_money' ? 'Finance resolves this kind of case; add what you found as a note.' : 'Your role cannot resolve this kind of case; add what you found as a note.'}</p>
                  )}
                </div>
              )}
              <details className="mt-3">
                <summary className="cursor-pointer text-xs font-medium text-indigo-700">Timeline and notes ({c.events.length})</summary>
                <ol className="mt-2 space-y-1 text-xs" data-testid="case-timeline">
                  {c.events.map((e) => (
                    <li key={e.id} className="flex flex-wrap gap-x-2">
                      <span className="text-slate-600">
                        <IstTime value={e.at} />
                      </span>
                      <span className="font-medium">{ACTION_WORDS[e.action] ?? e.action}</span>
                      <span className="text-slate-600">{e.actor === 'system' ? 'by PayOps' : `by ${e.actorName ?? e.actor}`}</span>
                      {e.action === 'assigned' && e.assigneeName && <span>to {e.assigneeName}</span>}
                      {e.resolution && <span>— {resolutionLabel(e.resolution)}</span>}
                      {e.note && <span className="basis-full whitespace-pre-wrap break-words text-slate-800">“{e.note}”</span>}
                    </li>
                  ))}
                </ol>
              </details>
              {mayWork && (
                <div className="mt-3">
                  <NoteForm caseId={c.id} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
