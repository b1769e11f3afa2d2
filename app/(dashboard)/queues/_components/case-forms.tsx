'use client';

import { useActionState, useState } from 'react';
import { ActionForm } from '@/app/_components/action-form';
import { Select } from '@/app/_components/select';
import { BUTTON, INPUT, LABEL } from '@/app/_components/ui';
import { caseAction, type CaseActionState } from '../actions';

function Answer({ state }: { state: CaseActionState | null }) {
  if (!state) return null;
  return (
    <p role="status" className={`text-xs ${state.ok ? 'text-emerald-800' : 'text-red-800'}`} data-testid="case-answer">
      {state.message}
    </p>
  );
}

/** "Take it" / "Hand back": one button, the version the person saw goes with it. */
export function CaseButton({ caseId, version, action, label }: { caseId: number; version: number; action: 'assign' | 'unassign'; label: string }) {
  const [state, run, pending] = useActionState(caseAction, null);
  return (
    <ActionForm action={run} className="inline-flex flex-col gap-1">
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="caseId" value={caseId} />
      <input type="hidden" name="version" value={version} />
      <button type="submit" className={BUTTON.secondary} disabled={pending}>
        {label}
      </button>
      <Answer state={state} />
    </ActionForm>
  );
}

/** Resolve with an outcome from the list and a note (card numbers are cut from it before it is stored). */
export function ResolveForm({ caseId, version, resolutions, kindLabel }: { caseId: number; version: number; resolutions: { value: string; label: string }[]; kindLabel: string }) {
  const [state, run, pending] = useActionState(caseAction, null);
  const [resolution, setResolution] = useState('');
  return (
    <ActionForm action={run} aria-label={`Resolve the ${kindLabel} case`} className="space-y-2">
      <input type="hidden" name="action" value="resolve" />
      <input type="hidden" name="caseId" value={caseId} />
      <input type="hidden" name="version" value={version} />
      <Select name="resolution" label="Resolution" options={resolutions} value={resolution} onValueChange={setResolution} placeholder="Pick a resolution…" required />
      <div>
        <label className={LABEL} htmlFor={`note-${caseId}`}>
          Note (what you found; never a card number)
        </label>
        <textarea id={`note-${caseId}`} name="note" rows={2} maxLength={2000} className={INPUT} />
      </div>
      <button type="submit" className={BUTTON.primary} disabled={pending || !resolution}>
        Resolve
      </button>
      <Answer state={state} />
    </ActionForm>
  );
}

/** A note on the case without changing its state. */
export function NoteForm({ caseId }: { caseId: number }) {
  const [state, run, pending] = useActionState(caseAction, null);
  return (
    <ActionForm action={run} aria-label="Add a note" className="space-y-2">
      <input type="hidden" name="action" value="note" />
      <input type="hidden" name="caseId" value={caseId} />
      <label className={LABEL} htmlFor={`addnote-${caseId}`}>
        Add a note
      </label>
      <textarea id={`addnote-${caseId}`} name="note" rows={2} maxLength={2000} className={INPUT} required />
      <button type="submit" className={BUTTON.secondary} disabled={pending}>
        Add note
      </button>
      <Answer state={state} />
    </ActionForm>
  );
}
