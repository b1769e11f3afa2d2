import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { deliveries, otpAttempts, transactions, type DeliveryOutcome, type OtpOutcome, type Verification } from '@/db/schema';
import { DEFAULT_ALERT_CONFIG, type AlertConfig } from './config';

/** Test data for the alert rules, written straight into the tables the rules read. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const testConfig = (patch: Partial<AlertConfig> = {}): AlertConfig => ({ ...DEFAULT_ALERT_CONFIG, resolveAfterMinutes: 0, ...patch });

/** `count` deliveries of a provider, spread evenly over [from, to). */
export async function addDeliveries(
  db: Db,
  o: { provider?: string; outcome?: DeliveryOutcome; httpStatus?: number; effect?: string | null; count: number; from: Date; to: Date },
): Promise<void> {
  if (o.count === 0) return;
  const outcome = o.outcome ?? 'accepted';
  const span = o.to.getTime() - o.from.getTime();
  const rows = Array.from({ length: o.count }, (_, i) => ({
    provider: o.provider ?? 'enkash',
    receivedAt: new Date(o.from.getTime() + Math.floor((span * i) / o.count)),
    auth: outcome === 'rejected' && (o.httpStatus ?? 401) === 401 ? ('invalid' as const) : ('ok' as const),
    outcome,
    httpStatus: o.httpStatus ?? (outcome === 'rejected' ? 401 : 200),
    effect: o.effect ?? null,
    reason: outcome === 'rejected' ? 'test refusal' : null,
  }));
  for (let i = 0; i < rows.length; i += 500) await db.insert(deliveries).values(rows.slice(i, i + 500));
}

let txnSeq = 0;

/** Payments of a provider with a status family, their txn_at spread over [from, to). */
export async function addPayments(
  db: Db,
  o: { provider?: string; family: 'success' | 'failed' | 'open'; count: number; from: Date; to: Date; verification?: Verification; verifiedAt?: Date },
): Promise<number[]> {
  if (o.count === 0) return [];
  const status = { success: 'SUCCESS', failed: 'FAILED', open: 'PENDING_WITH_BANK' }[o.family];
  const span = o.to.getTime() - o.from.getTime();
  const rows = Array.from({ length: o.count }, (_, i) => ({
    provider: o.provider ?? 'enkash',
    transactionId: `EKALERT${++txnSeq}_${Date.now()}`,
    status,
    statusRank: o.family === 'open' ? 20 : 50,
    statusFamily: o.family,
    txnAt: new Date(o.from.getTime() + Math.floor((span * i) / o.count)),
    verification: o.verification ?? 'unconfirmed',
    verifiedAt: o.verifiedAt ?? null,
  }));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await db.insert(transactions).values(rows.slice(i, i + 500)).returning({ id: transactions.id });
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

/** OTP attempts with an outcome, created at `at`. */
export async function addOtpAttempts(db: Db, o: { outcome: OtpOutcome; count: number; at: Date }): Promise<void> {
  if (o.count === 0) return;
  const [payment] = await addPayments(db, { family: 'open', count: 1, from: o.at, to: o.at });
  await db.insert(otpAttempts).values(
    Array.from({ length: o.count }, () => ({
      transactionId: payment,
      provider: 'enkash',
      kind: 'resend' as const,
      channel: 'console' as const,
      actor: 'user:1',
      idempotencyKey: `alert-test-${++txnSeq}-${Date.now()}`,
      outcome: o.outcome,
      createdAt: o.at,
      finishedAt: o.at,
    })),
  );
}

/** Empties every table the rules read and the alert tables (the audit log is insert-only and stays). */
export async function clearAlertData(db: Db): Promise<void> {
  await db.execute(sql`TRUNCATE alert_deliveries, alerts, otp_attempts, otp_budgets, deliveries, payment_events, transactions, case_events, cases, work_claims RESTART IDENTITY CASCADE`);
}

/**
 * A stand-in for pg-boss' tables with the columns the jobs rule reads (`pgboss.job`, `pgboss.archive`),
 * so the rule can be tested on PGlite too. The real thing is tested against pg-boss on Postgres.
 */
export async function createFakePgBoss(db: Db): Promise<{ fail(name: string, completedOn: Date, archivedOn?: Date): Promise<void>; drop(): Promise<void> }> {
  await db.execute(sql`CREATE SCHEMA pgboss`);
  await db.execute(sql`CREATE TABLE pgboss.job (id serial, name text NOT NULL, state text NOT NULL, created_on timestamptz NOT NULL DEFAULT now(), completed_on timestamptz)`);
  await db.execute(sql`CREATE TABLE pgboss.archive (LIKE pgboss.job INCLUDING DEFAULTS, archived_on timestamptz NOT NULL DEFAULT now())`);
  return {
    async fail(name, completedOn, archivedOn) {
      await (archivedOn
        ? db.execute(sql`INSERT INTO pgboss.archive (name, state, completed_on, archived_on) VALUES (${name}, 'failed', ${completedOn.toISOString()}::timestamptz, ${archivedOn.toISOString()}::timestamptz)`)
        : db.execute(sql`INSERT INTO pgboss.job (name, state, completed_on) VALUES (${name}, 'failed', ${completedOn.toISOString()}::timestamptz)`));
    },
    async drop() {
      await db.execute(sql`DROP SCHEMA pgboss CASCADE`);
    },
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local webhook receiver on an ephemeral port. `replies` is a queue of statuses to answer with
 * (200 once it is empty); 'hang' never answers.
 */
export async function startReceiver(): Promise<{
  url: string;
  received: ReceivedRequest[];
  replies: (number | 'hang')[];
  close(): Promise<void>;
}> {
  const received: ReceivedRequest[] = [];
  const replies: (number | 'hang')[] = [];
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const reply = replies.shift() ?? 200;
    if (reply === 'hang') return;
    res.writeHead(reply, { 'content-type': 'text/plain' }).end(reply < 300 ? 'ok' : 'receiver says no, see https://receiver.example/secret-path');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    replies,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
