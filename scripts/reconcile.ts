// npm run reconcile -- [--since 24h|7d|90m] [--limit N] — ask the providers' status APIs about
// payments not yet confirmed (or not yet final) and record what they say. Works on DATABASE_URL,
// or on the embedded database when no running server holds it.
import { parseArgs } from 'node:util';
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { recordAudit } from '@/lib/audit/record';
import { env } from '@/lib/env';
import { parseSince, selectForReconcile, verifyTransaction, type VerifyResult } from '@/lib/payments/verify';
import { getProviders } from '@/lib/providers';

const USAGE = `Usage: npm run reconcile -- [--since 24h] [--limit 500]

Asks the providers' status APIs (Enkash Get Transaction Status, Juspay Order Status) about every
payment since --since (by payment time) that is still unconfirmed, whose last check failed, or
whose status is not final, newest first, and records confirmed / mismatch / error on each. A
mismatch is flagged for a person; the status itself is never changed.

  --since D   how far back: a number and m, h or d (default 24h)
  --limit N   at most N payments (default 500)

Exit code 0 when every check reached the provider, 1 when some could not, 2 on a usage error.`;

// A few at a time: the provider is not hammered, and a slow answer does not hold up the rest.
const CONCURRENCY = 4;

function parseCli(argv: string[]): { since: Date; limit: number } | string {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { since: { type: 'string', default: '24h' }, limit: { type: 'string', default: '500' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.help) return '';
  const since = parseSince(values.since!);
  if (!since) return `--since must be a number and m, h or d (e.g. 24h, 7d), not ${values.since}`;
  const limit = /^\d{1,6}$/.test(values.limit!) ? Number(values.limit) : 0;
  if (limit < 1) return `--limit must be a whole number from 1, not ${values.limit}`;
  return { since, limit };
}

async function main(): Promise<number> {
  const args = parseCli(process.argv.slice(2));
  if (typeof args === 'string') {
    console[args ? 'error' : 'log'](args ? `reconcile: ${args}\n\n${USAGE}` : USAGE);
    return args ? 2 : 0;
  }
  const handle = await getDbHandle();
  try {
    await migrateDb(handle, env().DATABASE_URL);
    const ids = await selectForReconcile(handle.db, args);
    console.log(`${ids.length} payment(s) since ${args.since.toISOString()} to check (${handle.kind})`);
    const providers = getProviders();
    const counts: Record<VerifyResult['verification'], number> = { confirmed: 0, mismatch: 0, error: 0, unconfirmed: 0, skipped: 0 };
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const result = await verifyTransaction(handle.db, providers, { id });
        if (!result) continue;
        counts[result.verification]++;
        if (result.verification === 'mismatch' || result.verification === 'error') console.log(`  #${id} ${result.verification}: ${result.detail}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const summary = `confirmed ${counts.confirmed}, mismatch ${counts.mismatch}, error ${counts.error}, still unconfirmed ${counts.unconfirmed}`;
    await recordAudit(handle.db, { actor: 'cli', action: 'payments.reconcile', outcome: counts.error > 0 ? 'partial' : 'ok', details: { since: args.since.toISOString(), limit: args.limit, ...counts } });
    console.log(summary);
    return counts.error > 0 ? 1 : 0;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`reconcile: ${(err as Error).message}`);
    process.exit(1);
  },
);
