// npm run db:migrate — apply the committed migrations as DATABASE_MIGRATION_URL (else DATABASE_URL), granting
// DATABASE_URL's role what it needs when that is another role (db/roles.ts); or to the embedded database.
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { env } from '@/lib/env';

const handle = await getDbHandle();
await migrateDb(handle, env().DATABASE_MIGRATION_URL ?? env().DATABASE_URL);
console.log(`migrations applied (${handle.kind})`);
await closeDb();
