import { runStatement, type Db } from '@/db/client';

/**
 * The benchmark's floors (`npm run bench:webhook`): routes that exist only when the server is
 * started with PAYOPS_BENCH_ROUTES=1, which `npm start` never sets. Without it they answer 404
 * as any unknown path would, and touch nothing.
 */
export const benchRoutesEnabled = () => process.env.PAYOPS_BENCH_ROUTES === '1';

export const notFound = () => Response.json({ error: { code: 'not_found', message: 'Not found.' } }, { status: 404 });

/** The floor table, created by the benchmark in its own database (never by a migration). */
export const BENCH_FLOOR_TABLE = 'payops_bench_floor';

/** One insert of the body, as the webhook's ingest is run: a named prepared statement. */
export async function insertBenchFloor(db: Db, body: string): Promise<void> {
  await runStatement(db, { name: 'payops_bench_floor_insert', text: `INSERT INTO ${BENCH_FLOOR_TABLE} (body) VALUES ($1)`, values: [body] });
}
