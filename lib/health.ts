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

export interface Liveness {
  status: 'ok' | 'failing';
  /** Seconds every database call of this process has been failing (0 while it answers). */
  databaseFailingSeconds: number;
}

/**
 * Liveness that tells the truth: the process answering is not enough when it cannot serve. Once
 * every database call of this instance has failed for longer than `boundMs` (a pool wedged by a
 * stall, a connection that never came back) the instance reports failing, so an orchestrator
 * restarts it. No I/O on this path: when the last word is a failure, a background probe asks the
 * database again, so an idle instance whose database came back stops failing by itself.
 */
export function checkLiveness(handle: Pick<DbHandle, 'db' | 'vitals'>, boundMs: number): Liveness {
  const failingMs = handle.vitals.failingForMs();
  if (failingMs > 0) probeInBackground(handle);
  return { status: failingMs > boundMs ? 'failing' : 'ok', databaseFailingSeconds: Math.floor(failingMs / 1000) };
}

const probing = new WeakSet<object>();

function probeInBackground(handle: Pick<DbHandle, 'db' | 'vitals'>) {
  if (probing.has(handle.vitals)) return;
  probing.add(handle.vitals);
  const startedAt = Date.now();
  handle.db
    .execute(sql`SELECT 1`)
    .then(() => handle.vitals.ok())
    .catch((err) => handle.vitals.fail(err, startedAt))
    .finally(() => probing.delete(handle.vitals));
}
