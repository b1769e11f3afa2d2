// A child process for lib/boot.int.test.ts: boots PayOps' server side (as instrumentation does),
// starts a transaction whose statement will be stuck behind a stalled connection, and waits for
// SIGTERM. Prints "ready" once the statement is in flight.
import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { boot } from '@/lib/boot';

await boot();
const db = await getDb();
void db.transaction(async (tx) => tx.execute(sql`SELECT pg_sleep(120)`)).catch(() => {});
setTimeout(() => console.log('ready'), 300);
setInterval(() => {}, 1000);
