// npm run finance:verify — recomputes every row of the finance rollup (finance_daily) from the
// payments and prints every difference, exactly. Exit code 0 when there is none, 1 otherwise.
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env } from '@/lib/env';
import { verifyFinanceRollup } from '@/lib/finance/verify';

async function main(): Promise<number> {
  const handle = await getDbHandle();
  try {
    await migrateDb(handle, env().DATABASE_URL);
    const started = Date.now();
    const { rows, differences } = await verifyFinanceRollup(handle.db);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (differences.length === 0) {
      console.log(`finance:verify: ${rows} rollup row(s) match the payments exactly (${handle.kind}, ${seconds} s)`);
      return 0;
    }
    console.log(`finance:verify: ${differences.length} rollup row(s) differ from the payments (${rows} rows, ${seconds} s):`);
    for (const d of differences) {
      const k = d.key;
      const measures = Object.entries(d.measures).map(([m, v]) => `${m} rollup ${v.rollup} payments ${v.payments}`).join('; ');
      console.log(`  ${k.istDay} ${k.provider} ${k.status} ${k.paymentMode || '(no mode)'} ${k.currency || '(no currency)'}${k.contradicted ? ' contradicted' : ''}: ${measures}`);
    }
    return 1;
  } finally {
    await closeDb();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`finance:verify: ${(err as Error).message}`);
    process.exit(1);
  },
);
