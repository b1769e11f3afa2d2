import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { createPgliteTestDb, type TestDb } from '@/db/testing';
import { demoProviderPaymentsFile, demoSettlementDay, seedDemo } from '@/lib/demo/seed';
import { financeTotals } from '@/lib/finance/totals';
import { financeRangeFromParams } from '@/lib/finance/range';
import type { Providers } from '@/lib/providers';
import type { Sandbox } from '@/sandbox/server';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { resolveException } from './exceptions';
import { listExceptions } from './queries';
import { syncSettlements } from './sync';
import { TEST_ACTOR, TEST_SETTINGS } from './testing';

/**
 * The demo's settlement story, as `npm start` sets it up: the simulator learns the seeded payments
 * from the seed's file, yesterday's payout has a short line, a payment left out and a fee above
 * the contract, and finance resolves one with a note.
 */
let t: TestDb;
let dir: string;
let sandbox: Sandbox;
let providers: Providers;
const rows = <T = Record<string, any>>(q: ReturnType<typeof sql>) => queryRows<T>(t.handle.db, q);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payops-demo-settle-'));
  const day = demoSettlementDay(dir);
  t = await createPgliteTestDb();
  const started = await startSandboxWithProviders({
    timeoutMs: 5000,
    knownPayments: [demoProviderPaymentsFile(dir)],
    settlements: { featured: { [day]: ['short_line', 'unsettled', 'excess_fee'] } },
  });
  sandbox = started.sandbox;
  providers = started.providers();
  await seedDemo(t.handle, dir, 120);
});
afterAll(async () => {
  await sandbox?.close();
  await t?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

it("shows yesterday's payout with a short line, an unsettled payment and an excess fee; finance resolves one with a note", async () => {
  const result = await syncSettlements(t.handle.db, providers, { since: new Date(Date.now() - 35 * 86_400_000), actor: 'system:demo-start', settings: TEST_SETTINGS });
  expect(result.payouts).toBeGreaterThan(5);
  const day = demoSettlementDay(dir);
  const [payout] = await rows<{ id: number; payout_id: string }>(sql`SELECT id, payout_id FROM settlement_payouts WHERE payout_day = ${day}::date`);
  expect(payout).toBeDefined();
  const exceptions = await listExceptions(t.handle.db, { payoutRowId: Number(payout.id), state: 'open' });
  // (The simulator's other faults may land on it by chance too.)
  const kinds = new Set(exceptions.map((e) => e.kind));
  for (const kind of ['amount_differs', 'not_settled', 'excess_fee']) expect(kinds).toContain(kind);
  // Each of the three leads to its payment.
  expect(exceptions.filter((e) => e.kind !== 'unknown_payment').every((e) => e.transactionRowId !== null)).toBe(true);

  const short = exceptions.find((e) => e.kind === 'amount_differs')!;
  await resolveException(t.handle.db, { id: short.id, resolution: 'written_off', note: 'Short by paise: written off as agreed with Enkash.', actor: TEST_ACTOR });
  const open = await listExceptions(t.handle.db, { payoutRowId: Number(payout.id), state: 'open' });
  expect(open.map((e) => e.id)).not.toContain(short.id);
  expect(open).toHaveLength(exceptions.length - 1);

  // /finance has gross, refunds and net in rupees.
  const totals = await financeTotals(t.handle.db, financeRangeFromParams({}).range);
  const inr = totals.currencies.find((c) => c.currency === 'INR')!;
  expect(BigInt(inr.total.gross.replace('.', ''))).toBeGreaterThan(0n);
  expect(BigInt(inr.total.net.replace('.', ''))).toBeLessThanOrEqual(BigInt(inr.total.gross.replace('.', '')));
});
