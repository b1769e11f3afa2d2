// npm run db:migrate — apply the committed migrations to DATABASE_URL, or to the embedded database.
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env } from '@/lib/env';

const handle = await getDbHandle();
await migrateDb(handle, env().DATABASE_URL);
console.log(`migrations applied (${handle.kind})`);
await closeDb();
