import fs from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SANDBOX_PROVIDERS, type PaymentRegistration, type PaymentSource, type SandboxProvider, type SandboxState } from './state';

/**
 * Payments the simulator knows without being told over HTTP: JSON-lines files of registrations
 * (one `PaymentRegistration` a line, a later line updating an earlier one).
 *
 * - The embedded demo's seed (lib/demo/seed.ts) writes `<DATA_DIR>/demo-provider-payments.jsonl`:
 *   every payment it posts through PayOps' ingest. `npm start` starts the simulator and PayOps
 *   side by side, so the file may appear (or grow) after the simulator is up: it is read at start
 *   and again whenever a status check or OTP call names a payment the simulator does not know.
 * - The simulator's own journal (`SANDBOX_JOURNAL`): every registration and status change made
 *   through the control API or the demo traffic is appended, and replayed at the next start, so
 *   a restarted simulator still confirms the payments it sent PayOps.
 */

const id = z.string().trim().min(1).max(200);
const optionalId = id.nullable().optional();

export const registrationSchema = z.object({
  provider: z.enum(SANDBOX_PROVIDERS as [SandboxProvider, ...SandboxProvider[]]),
  id,
  status: z.string().trim().min(1).max(64).optional(),
  // Exact decimal text, as the provider would print it; never a float.
  amount: z.string().regex(/^-?\d{1,14}(?:\.\d{1,4})?$/, 'must be a decimal amount as text, e.g. "1499.50"').nullable().optional(),
  orderId: optionalId,
  txnUuid: optionalId,
  customerId: optionalId,
  challengeId: optionalId,
  payload: z.record(z.string(), z.unknown()).nullable().optional(),
  stuck: z.boolean().optional(),
}) satisfies z.ZodType<PaymentRegistration>;

/** A JSON-lines file of registrations, read incrementally: only whole lines added since the last read. */
export function knownPaymentsFile(path: string, state: SandboxState, log?: (line: string) => void): PaymentSource {
  let offset = 0;
  let inode = -1;
  let warned = false;
  return {
    read() {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(path);
      } catch {
        return; // not written yet
      }
      // Replaced (a new demo database) or cut short: start again from the top.
      if (stat.ino !== inode || stat.size < offset) {
        inode = stat.ino;
        offset = 0;
      }
      if (stat.size === offset) return;
      const buffer = Buffer.alloc(stat.size - offset);
      const fd = fs.openSync(path, 'r');
      try {
        fs.readSync(fd, buffer, 0, buffer.length, offset);
      } finally {
        fs.closeSync(fd);
      }
      // A line still being written is read next time.
      const end = buffer.lastIndexOf(0x0a);
      if (end < 0) return;
      offset += end + 1;
      let bad = 0;
      for (const line of buffer.subarray(0, end).toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        let parsed;
        try {
          parsed = registrationSchema.safeParse(JSON.parse(line));
        } catch {
          parsed = null;
        }
        if (parsed?.success) state.register(parsed.data, { quiet: true });
        else bad++;
      }
      if (bad && !warned) {
        warned = true;
        log?.(`${path}: ${bad} line(s) are not payment registrations; skipped`);
      }
    },
    rewind() {
      offset = 0;
    },
  };
}

/** Replays the journal now, then appends every registration made from here on. */
export function useJournal(path: string, state: SandboxState, log?: (line: string) => void): void {
  knownPaymentsFile(path, state, log).read();
  state.onRegister = (registration) => {
    try {
      // The simulator may start before PayOps has created its data directory.
      fs.mkdirSync(dirname(path), { recursive: true });
      fs.appendFileSync(path, `${JSON.stringify(registration)}\n`, { mode: 0o600 });
    } catch (err) {
      log?.(`journal ${path}: ${(err as Error).message}`);
    }
  };
}

/** Appends registrations to a known-payments file (the demo seed's side of the contract). */
export function appendKnownPayments(path: string, registrations: Iterable<PaymentRegistration>): void {
  const lines = [...registrations].map((r) => `${JSON.stringify(r)}\n`).join('');
  if (lines) fs.appendFileSync(path, lines, { mode: 0o600 });
}
