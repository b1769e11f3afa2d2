// npm run user:create -- --email E --role admin|finance|support [--name N] [--password P]
// Creates a staff user in DATABASE_URL (or the embedded database); prints a generated password
// when none is given. The embedded database must not be open in a running server.
import { parseArgs } from 'node:util';
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { recordAudit } from '@/lib/audit/record';
import { generatePassword } from '@/lib/auth/password';
import { getUserByEmail, insertUser, newUserSchema } from '@/lib/auth/users';
import { env } from '@/lib/env';

const { values } = parseArgs({
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean' } },
});
if (values.help || !values.email || !values.role) {
  console.log('usage: npm run user:create -- --email E --role admin|finance|support [--name N] [--password P]');
  process.exit(values.help ? 0 : 2);
}
const generated = !values.password;
const input = newUserSchema.safeParse({ ...values, password: values.password ?? generatePassword() });
if (!input.success) {
  for (const issue of input.error.issues) console.error(`${issue.path.join('.')}: ${issue.message}`);
  process.exit(2);
}

try {
  const handle = await getDbHandle();
  await migrateDb(handle, env().DATABASE_MIGRATION_URL ?? env().DATABASE_URL);
  if (await getUserByEmail(handle.db, input.data.email)) {
    console.error(`A user with the email ${input.data.email} already exists.`);
    process.exitCode = 1;
  } else {
    const user = await handle.db.transaction(async (tx) => {
      const created = await insertUser(tx, input.data);
      await recordAudit(tx, { actor: 'cli', action: 'users.create', target: created.email, outcome: 'ok', details: { role: created.role } });
      return created;
    });
    console.log(`Created ${user.role} ${user.email} (id ${user.id}).`);
    if (generated) console.log(`Password: ${input.data.password}`);
  }
} catch (err) {
  console.error(`Could not create the user: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
