// `npm run demo:code`: the current sign-in codes of the embedded demo's accounts, for someone
// trying PayOps without an authenticator app at hand. Reads DATA_DIR/demo-accounts.json, which
// only the embedded demo writes (owner-only); real accounts' keys are never readable like this.
import fs from 'node:fs';
import path from 'node:path';
import type { DemoAccount } from '@/lib/demo/seed';
import { parseTotpSecret, TOTP_PERIOD_SECONDS, totpCode } from '@/lib/auth/totp';

const file = path.join(path.resolve(process.env.DATA_DIR || './.data'), 'demo-accounts.json');
let accounts: DemoAccount[];
try {
  accounts = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccount[];
} catch {
  console.error(`No demo accounts in ${file}: run \`npm start\` on the embedded database first.`);
  process.exit(1);
}
const left = TOTP_PERIOD_SECONDS - (Math.floor(Date.now() / 1000) % TOTP_PERIOD_SECONDS);
for (const a of accounts.filter((x) => x.totpSecret)) {
  console.log(`${a.email.padEnd(22)} ${totpCode(parseTotpSecret(a.totpSecret!))}   (good for ${left} s more, once)`);
}
