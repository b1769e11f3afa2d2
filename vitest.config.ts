import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@': fileURLToPath(new URL('.', import.meta.url)) };
// Keys a running server takes from its configuration (generated into DATA_DIR in embedded mode).
const env = { PAYOPS_ENCRYPTION_KEY: 'test-encryption-key-0123456789abcdef0123', AUDIT_HMAC_KEY: 'test-audit-hmac-key-0123456789abcdef0123' };

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', env, include: ['{lib,db,app,scripts,sandbox}/**/*.test.ts'], exclude: ['**/*.int.test.ts', 'node_modules/**'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          env,
          include: ['{lib,db,app,scripts,sandbox}/**/*.int.test.ts'],
          exclude: ['node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // PGlite and a real Postgres per file; two cores, so keep files few at a time.
          maxWorkers: 2,
        },
      },
    ],
  },
});
