import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/env';

/**
 * The key of the audit chain (AUDIT_HMAC_KEY). With DATABASE_URL it must be configured (the
 * server refuses to start without it); in embedded mode the server generates one into DATA_DIR
 * at its first start (lib/boot.ts, file `audit-hmac-key`), which a CLI on the same directory
 * reads too. Rotation is not supported: every keyed row verifies with this one key.
 */
export function auditKey(): string {
  // boot sets process.env after env() was first read, so the variable is read as it is now.
  const configured = process.env.AUDIT_HMAC_KEY?.trim();
  if (configured) return configured;
  const e = env();
  if (!e.DATABASE_URL) {
    try {
      const stored = fs.readFileSync(path.join(path.resolve(e.DATA_DIR), 'audit-hmac-key'), 'utf8').trim();
      if (stored) return stored;
    } catch {
      // No key generated yet: said below.
    }
  }
  throw new Error(
    'AUDIT_HMAC_KEY is not set: the audit log cannot be written or verified without its key. Set it ' +
      '(`openssl rand -base64 32`), or in embedded mode start PayOps once so that it generates one.',
  );
}
