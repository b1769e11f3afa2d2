import type { Metadata } from 'next';
import { Suspense } from 'react';
import { z } from 'zod';
import { requirePagePermission } from '@/lib/auth/guards';
import { can } from '@/lib/auth/permissions';
import { visibleRulesFor } from '@/lib/alerts/queries';
import { parsePageParams } from '@/lib/http/page-params';
import { AlertHistory, OpenAlerts } from './_components/alert-lists';

export const metadata: Metadata = { title: 'Alerts' };

const alertSearchSchema = z.object({ cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional() });

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePagePermission('alerts.read');
  const rules = visibleRulesFor(user.role) ?? [];
  const { search } = parsePageParams(alertSearchSchema, await searchParams);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Alerts</h1>
        <p className="mt-1 text-sm text-slate-600">
          Checked every minute: providers gone quiet, refused webhook deliveries, payments the provider contradicts, the success rate against the
          same hour of the last 7 days, OTP sends refused by limits, failing background jobs. Times in IST.
          {!can(user.role, 'alerts.read_all') && ' You see the alerts about money; operational ones go to admins.'}
        </p>
      </div>
      <Suspense fallback={<div className="h-20 animate-pulse rounded-lg bg-slate-100" />}>
        <OpenAlerts rules={rules} />
      </Suspense>
      <Suspense key={search.cursor ?? 0} fallback={<p className="text-sm text-slate-500">Loading the history…</p>}>
        <AlertHistory rules={rules} cursor={search.cursor} />
      </Suspense>
    </div>
  );
}
