import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@': fileURLToPath(new URL('.', import.meta.url)) };
// Every audit row is keyed (lib/audit/key.ts): the tests' key, as a deployment sets AUDIT_HMAC_KEY.
const env = { AUDIT_HMAC_KEY: 'vitest-audit-hmac-key-0123456789abcdef' };

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
