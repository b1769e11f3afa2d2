import { defineConfig } from 'drizzle-kit';

// Migrations are generated (`npm run db:generate`), read, and committed; the same folder
// migrates embedded PGlite and a real Postgres. Never `push` outside a throwaway database.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
  casing: 'snake_case',
});
