import type { PGlite } from '@electric-sql/pglite';
import { getDbHandle, type Db, type DbHandle } from '@/db/client';
import { env } from '@/lib/env';
import { LiveHub } from './hub';
import { PgliteFeed, PostgresListener, type LiveSource } from './listener';

/** A process's live updates: the fan-out hub, the one connection feeding it, and the database to replay from. */
export interface Live {
  hub: LiveHub;
  source: LiveSource;
  db: Db;
}

/** Starts listening on `handle`'s database (`url` is required for Postgres: the listener has its own connection). */
export function startLive(handle: Pick<DbHandle, 'db' | 'kind'>, url?: string): Live {
  const hub = new LiveHub();
  let source: LiveSource;
  if (handle.kind === 'pglite') {
    source = new PgliteFeed((handle.db as unknown as { $client: PGlite }).$client, { hub }).run();
  } else {
    if (!url) throw new Error('startLive: a Postgres database needs its URL');
    source = new PostgresListener({ url, hub }).run();
  }
  return { hub, source, db: handle.db };
}

// Next bundles each route separately, so a module-level variable could exist once per route:
// the process's one listener is kept on globalThis, as db/client.ts keeps the database.
const GLOBAL_KEY = Symbol.for('payops.live');
type Holder = { [GLOBAL_KEY]?: Promise<Live> };

/** The process-wide live updates, started on first use (the first page that subscribes). */
export function getLive(): Promise<Live> {
  const holder = globalThis as Holder;
  if (!holder[GLOBAL_KEY]) {
    const starting = getDbHandle().then((handle) => startLive(handle, env().DATABASE_URL));
    holder[GLOBAL_KEY] = starting;
    starting.catch(() => {
      if (holder[GLOBAL_KEY] === starting) delete holder[GLOBAL_KEY];
    });
  }
  return holder[GLOBAL_KEY]!;
}

export async function closeLive(): Promise<void> {
  const holder = globalThis as Holder;
  const starting = holder[GLOBAL_KEY];
  delete holder[GLOBAL_KEY];
  if (starting) await (await starting).source.close();
}
