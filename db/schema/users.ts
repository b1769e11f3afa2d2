import { sql } from 'drizzle-orm';
import { bigserial, boolean, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const ROLES = ['admin', 'finance', 'support'] as const;
export type Role = (typeof ROLES)[number];

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Staff who sign in to the dashboard. Role and `active` are re-read on every request. */
export const users = pgTable(
  'users',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    name: text('name'),
    role: text('role').$type<Role>().notNull(),
    active: boolean('active').notNull().default(true),
    // scrypt, salted: `scrypt$N$r$p$salt$hash` (lib/auth/password.ts).
    passwordHash: text('password_hash').notNull(),
    // Bumped when a password is reset or an account disabled: older sessions stop working.
    sessionVersion: integer('session_version').notNull().default(1),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    lastSignInAt: at('last_sign_in_at'),
  },
  (t) => [uniqueIndex('users_email_uq').on(sql`lower(${t.email})`)],
);

export type User = typeof users.$inferSelect;

/**
 * Failed sign-ins per account and per address, in the database so every app instance sees
 * the same count. `key` is `email:<address>` or `ip:<address>`.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: at('window_started_at').notNull().defaultNow(),
  lockedUntil: at('locked_until'),
});
