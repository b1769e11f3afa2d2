// npm run settlements:sync -- [--since 7d] — fetch Enkash's settlement payouts paid since then,
// store the new and changed ones, and reconcile them with the payments (the same work as the daily
// `settlements-sync` job and the button on /settlements). Works on DATABASE_URL, or on the embedded
// database when no running server holds it. Running it twice changes nothing the second time.
import { parseArgs } from 'node:util';
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env } from '@/lib/env';
import { parseSince } from '@/lib/payments/verify';
import { getProviders } from '@/lib/providers';
import { settlementSettings } from '@/lib/settlements/jobs';
import { syncSettlements } from '@/lib/settlements/sync';

const USAGE = `Usage: npm run settlements:sync -- [--since 7d]

Fetches Enkash's settlement payouts (Search, then Get for each one's lines) paid since --since,
stores them, and reconciles lines with payments: matched, amount differs, settled but unknown,
settled twice, fees above the contracted MDR, paid but not settled, refund not netted. Prints
what it stored and found. Exit code 0 on success, 1 when Enkash could not be read, 2 on a usage error.

  --since D   how far back: a number and m, h or d (default SETTLEMENT_SYNC_DAYS, 7d)`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { since: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`settlements:sync: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const since = parseSince(values.since ?? `${env().SETTLEMENT_SYNC_DAYS}d`);
  if (!since) {
    console.error(`settlements:sync: --since must be a number and m, h or d (e.g. 7d), not ${values.since}\n\n${USAGE}`);
    return 2;
  }
  const handle = await getDbHandle();
  try {
    await migrateDb(handle, env().DATABASE_URL);
    const started = Date.now();
    const r = await syncSettlements(handle.db, getProviders(), { since, actor: 'cli', settings: settlementSettings() });
    const outcomes = Object.entries(r.reconcile.outcomes).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    console.log(`${r.payouts} payout(s) since ${since.toISOString()} (${handle.kind}): ${r.created} new, ${r.changed} changed, ${r.unchanged} unchanged; ${r.lines} line(s)`);
    console.log(`lines in the period: ${outcomes}`);
    console.log(`exceptions: ${r.reconcile.opened} opened, ${r.reconcile.reopened} reopened, ${r.reconcile.refreshed} updated, ${r.reconcile.cleared} cleared (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return 0;
  } catch (err) {
    console.error(`settlements:sync: ${(err as Error).message}`);
    return 1;
  } finally {
    await closeDb();
  }
}

main().then((code) => process.exit(code));
