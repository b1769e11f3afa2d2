import type { Db } from '@/db/client';
import { normalizeEnkashNotify, sha256 } from '@/lib/payments/enkash-notify';
import { ingestClaim } from '@/lib/payments/ingest';
import type { SandboxControl } from '@/sandbox/control';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';
import type { Actor } from './exceptions';
import type { ReconcileSettings } from './reconcile';

export const TEST_SETTINGS: ReconcileSettings = { dueDays: { default: 3, modes: {} }, feeTolerance: '0.10' };
export const TEST_ACTOR: Actor = { userId: 1, role: 'finance', sourceIp: '203.0.113.9' };

/** `YYYY-MM-DD HH:mm:ss` India time, `daysAgo` days before `now` at `hour`:00 IST. */
export function istTime(daysAgo: number, hour = 11, now = new Date()): string {
  const day = new Date(now.getTime() + 330 * 60_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
  return `${day} ${String(hour).padStart(2, '0')}:00:00`;
}

/**
 * An Enkash payment, as PayOps records it (through the real ingest) and as the simulator knows it
 * (registered with its notify-shaped payload, which its settlement payouts are made from).
 */
export async function enkashPayment(
  db: Db,
  control: SandboxControl | null,
  p: { id: string; amount: string; mode: string; txnDate: string; status?: string; scheme?: string | null },
): Promise<void> {
  const status = p.status ?? 'SUCCESS';
  const body = {
    ...JSON.parse(DOCUMENTED_EXAMPLE),
    transactionId: p.id,
    uniqueTransactionId: `U${p.id}`,
    status,
    amount: p.amount,
    finalAmount: p.amount,
    surcharge: '0.0000',
    surchargeGst: '0.0000',
    paymentMode: p.mode,
    cardScheme: p.scheme ?? (p.mode.endsWith('CARD') ? 'VISA' : null),
    txnDate: p.txnDate,
    paymentToken: null,
  };
  const normalized = normalizeEnkashNotify(body);
  if (!normalized.ok) throw new Error(normalized.reason);
  const text = JSON.stringify(normalized.claim.payload);
  await ingestClaim(db, normalized.claim, {
    provider: 'enkash', sourceIp: '127.0.0.1', userAgent: 'test', auth: 'ok',
    bodySha256: sha256(text), bodyBytes: text.length, body: text, bodyTruncated: false, flags: [],
  });
  control?.registerPayment({ provider: 'enkash', id: p.id, status, amount: p.amount, payload: { ...body } });
}
