// npm run audit -- verify | checkpoint | anchor-secret
//   verify         walk the whole audit log now (as the hourly job does), store and print what it found; exit 1 on a break
//   checkpoint     write a signed checkpoint of the log's head now (as the 5-minute job does)
//   anchor-secret  print the secret the AUDIT_ANCHOR_URL receiver checks X-PayOps-Signature with
// On DATABASE_URL, or the embedded database (which must not be open in a running server).
import { closeDb, getDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { anchorSecret } from '@/lib/audit/chain';
import { writeAuditCheckpoint } from '@/lib/audit/checkpoint';
import { auditKey } from '@/lib/audit/key';
import { runFullVerification } from '@/lib/audit/verification';
import { env } from '@/lib/env';

const command = process.argv[2];
if (command === 'anchor-secret') {
  console.log(anchorSecret(auditKey()));
} else if (command === 'verify' || command === 'checkpoint') {
  try {
    const handle = await getDbHandle();
    await migrateDb(handle, env().DATABASE_MIGRATION_URL ?? env().DATABASE_URL);
    if (command === 'checkpoint') {
      const cp = await writeAuditCheckpoint(handle.db);
      console.log(cp ? `checkpoint #${cp.id}: row #${cp.headId} (${cp.headSeq} rows)` : 'nothing appended since the last checkpoint');
    } else {
      const check = await runFullVerification(handle.db);
      console.log(`${check.checked} rows walked (${check.keyed} keyed): ${check.ok ? 'intact' : `${check.breakCount} break(s)`}`);
      for (const b of check.breaks) console.log(`  row #${b.id}: ${b.kind} — ${b.detail}`);
      if (check.keyed > 0 && check.macFailures === check.keyed) console.log('Every keyed row fails: AUDIT_HMAC_KEY is probably not the key they were written with.');
      if (!check.ok) process.exitCode = 1;
    }
  } catch (err) {
    console.error(`audit ${command}: ${(err as Error).message}`);
    process.exitCode = 2;
  } finally {
    await closeDb();
  }
} else {
  console.log('usage: npm run audit -- verify | checkpoint | anchor-secret');
  process.exitCode = command ? 2 : 0;
}
