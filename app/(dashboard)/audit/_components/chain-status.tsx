import Link from 'next/link';
import { RelativeTime } from '@/app/_components/relative-time';
import { getDbHandle } from '@/db/client';
import { auditLogGuard } from '@/db/roles';
import { checkAuditIncrement, type AuditChainStatus } from '@/lib/audit/verification';
import type { BreakKind } from '@/lib/audit/verify';
import { VerifyButton } from './verify-button';

const KIND: Record<BreakKind, string> = {
  content_changed: 'content changed',
  link_broken: 'link broken',
  row_missing: 'row missing',
  checkpoint_mismatch: 'checkpoint mismatch',
  truncated_after_checkpoint: 'truncated after a checkpoint',
};

const SHOWN = 20;
const n = (v: number) => v.toLocaleString('en-IN');
const rows = (v: number) => `${n(v)} ${v === 1 ? 'row' : 'rows'}`;

/**
 * The chain's state: this view's check of the rows since the last one (cheap at any size), the
 * last full verification's findings (every break named), the latest checkpoint, and whether the
 * application's own database role could alter the log. Streams in on its own after the table.
 */
export async function ChainStatus({ canVerify }: { canVerify: boolean }) {
  const { db, kind } = await getDbHandle();
  const [status, guard] = await Promise.all([checkAuditIncrement(db), auditLogGuard(db)]);
  return (
    <section aria-label="Audit chain" className="space-y-2">
      {status.ok ? <Intact status={status} /> : <Broken status={status} />}
      <FullRun status={status} canVerify={canVerify} />
      {status.notices.map((notice) => (
        <p key={notice} role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
          {notice}
        </p>
      ))}
      <RolesNote role={guard.role} canAlter={guard.canAlter} embedded={kind === 'pglite'} />
    </section>
  );
}

function RolesNote({ role, canAlter, embedded }: { role: string; canAlter: boolean; embedded: boolean }) {
  if (!canAlter) {
    return (
      <p data-testid="audit-roles" className="text-sm text-slate-600">
        The application&apos;s database role ({role}) may only read and append to the audit log; only the owner, which runs the migrations, could alter it.
      </p>
    );
  }
  return (
    <p data-testid="audit-roles" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">
      One database role for everything{embedded ? ' (the embedded database has one)' : ''}: the application&apos;s role ({role}) could drop the trigger
      that keeps the audit log insert-only. A change would still show in the keyed chain and against the checkpoints.
      {!embedded && ' Set DATABASE_MIGRATION_URL to the owner and DATABASE_URL to a role that owns nothing.'}
    </p>
  );
}

function Intact({ status }: { status: AuditChainStatus }) {
  return (
    <div role="status" data-testid="chain-status" className="rounded-md bg-emerald-50 px-4 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
      <p className="font-medium">
        Chain intact — verified through row #{status.through?.id ?? 0} ({rows(status.through?.seq ?? 0)})
      </p>
      {!status.complete && <p>Newer rows than a page view checks at once wait for the next view.</p>}
    </div>
  );
}

function Broken({ status }: { status: AuditChainStatus }) {
  return (
    <div role="alert" data-testid="chain-status" className="rounded-md border-2 border-red-600 bg-red-50 px-4 py-3 text-red-900">
      <p className="text-base font-semibold">
        The audit log has {n(status.breakCount)} {status.breakCount === 1 ? 'break' : 'breaks'}: it may have been tampered with. Treat this as a security incident.
      </p>
      {status.wrongKey && (
        <p className="mt-1 text-sm font-medium">
          Every row this check read fails its MAC: AUDIT_HMAC_KEY is probably not the key these rows were written with (the key cannot be rotated).
        </p>
      )}
      <ul className="mt-2 space-y-1 text-sm" data-testid="chain-breaks">
        {status.breaks.slice(0, SHOWN).map((b) => (
          <li key={`${b.kind}:${b.id}`}>
            <Link href={`/audit?cursor=${b.id + 1}`} prefetch={false} className="font-semibold underline">
              Row #{b.id}
            </Link>
            : {KIND[b.kind]} — {b.detail}
          </li>
        ))}
      </ul>
      {status.breakCount > SHOWN && <p className="mt-1 text-sm">…and {n(status.breakCount - SHOWN)} more.</p>}
    </div>
  );
}

function FullRun({ status, canVerify }: { status: AuditChainStatus; canVerify: boolean }) {
  const full = status.full;
  return (
    <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 text-sm text-slate-600">
      <p data-testid="full-verification">
        {full ? (
          <>
            Whole log verified <RelativeTime value={full.finishedAt.toISOString()} />: {rows(full.rowsChecked)},{' '}
            {full.breakCount === 0 ? 'intact' : `${n(full.breakCount)} ${full.breakCount === 1 ? 'break' : 'breaks'}`}.
          </>
        ) : (
          'The whole log has not been verified yet: that runs every hour.'
        )}{' '}
        {status.latestCheckpoint ? (
          <>
            Latest checkpoint <RelativeTime value={status.latestCheckpoint.at.toISOString()} />, of row #{status.latestCheckpoint.headId}.
          </>
        ) : (
          'No checkpoint yet (one every 5 minutes while rows are added).'
        )}
      </p>
      {canVerify && <VerifyButton />}
    </div>
  );
}

export function ChainStatusPending() {
  return <p className="rounded-md bg-slate-100 px-4 py-2 text-sm text-slate-600">Checking the audit chain…</p>;
}
