import { sql } from 'drizzle-orm';
import type { DbHandle } from '@/db/client';

export interface Health {
  status: 'ok' | 'unavailable';
  database: { kind: DbHandle['kind'] | 'unknown'; ok: boolean; latencyMs: number | null; error?: string };
}

/** One trivial query under a deadline: a hung database reports unavailable, never hangs the check. */
export async function checkDatabase(open: () => Promise<DbHandle>, deadlineMs = 3000): Promise<Health> {
  const started = performance.now();
  let kind: Health['database']['kind'] = 'unknown';
  try {
    const ping = (async () => {
      const handle = await open();
      kind = handle.kind;
      await handle.db.execute(sql`SELECT 1`);
    })();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
    });
    await Promise.race([ping, deadline]).finally(() => clearTimeout(timer));
    return { status: 'ok', database: { kind, ok: true, latencyMs: Math.round(performance.now() - started) } };
  } catch (err) {
    // The message names the failure class only; connection strings never reach the client.
    const error = err instanceof Error && /no answer within/.test(err.message) ? err.message : 'database unreachable';
    return { status: 'unavailable', database: { kind, ok: false, latencyMs: null, error } };
  }
}
