import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    lastSignInAt: at('last_sign_in_at'),
    // Set by an admin's reset: the generated password works once, to choose a new one.
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    passwordChangedAt: at('password_changed_at'),
    // TOTP (RFC 6238): the secret encrypted with PAYOPS_ENCRYPTION_KEY (lib/auth/crypto.ts), set
    // once enrolment is confirmed; `totpLastStep` is the last 30 s step a code was accepted for,
    // so a code works once.
    totpSecretEnc: text('totp_secret_enc'),
    totpEnabledAt: at('totp_enabled_at'),
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
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
  // Attempts in the window, counted before the password is checked (a success takes its own back).
  failures: integer('failures').notNull().default(0),
  windowStartedAt: at('window_started_at').notNull().defaultNow(),
  lockedUntil: at('locked_until'),
  // Attempts refused while locked, not yet written to the audit log (one summary row per lock).
  refused: integer('refused').notNull().default(0),
  refusedSince: at('refused_since'),
});

/**
 * One row per staff sign-in. The session cookie (a JWT) carries only the random id; the row holds
 * what the server decides with: revoked or not, when the second factor was last checked.
 * `idHash` is the SHA-256 of that id, so a reader of this table cannot use a session.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    createdAt: at('created_at').notNull().defaultNow(),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    // Null until the second factor is checked (or never needed, for a role without it).
    secondFactorAt: at('second_factor_at'),
    // The last TOTP check, for step-up before sensitive actions.
    stepUpAt: at('step_up_at'),
    revokedAt: at('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId, t.createdAt)],
);

export type StaffSession = typeof staffSessions.$inferSelect;

/** Ten single-use recovery codes per enrolment, stored as keyed hashes (lib/auth/recovery.ts). */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    codeHash: text('code_hash').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    usedAt: at('used_at'),
  },
  (t) => [uniqueIndex('recovery_codes_user_code_uq').on(t.userId, t.codeHash)],
);
