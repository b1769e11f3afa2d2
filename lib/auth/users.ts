import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { ROLES, users, type Role, type User } from '@/db/schema';
import { findCardNumbers } from '@/lib/cards';
import { scrubbedText } from '@/lib/text';
import { hashPassword, PASSWORD_MIN_LENGTH } from './password';

// An email is an identity (sign-in, audit target): it is refused rather than altered when it holds a card number.
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ error: 'must be an email address' }))
  .refine((v) => findCardNumbers(v).length === 0, 'must not contain a card number');
// Messages in words: each is shown under its field (never a library's "Too big: expected …").
export const roleSchema = z.enum(ROLES, `must be one of ${ROLES.join(', ')}`);
export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(120, 'must be at most 120 characters').optional(),
  role: roleSchema,
  password: passwordSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

const userIdSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The add-user form: an empty password means "generate one". */
export const createUserSchema = newUserSchema.extend({
  password: z.preprocess((v) => (v === '' ? undefined : v), passwordSchema.optional()),
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const changeRoleSchema = z.object({ userId: userIdSchema, role: roleSchema });
export const setActiveSchema = z.object({ userId: userIdSchema, active: z.stringbool() });
export const userIdFormSchema = z.object({ userId: userIdSchema });

export async function getUserById(db: DbOrTx, id: number): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return user ?? null;
}

export async function getUserByEmail(db: DbOrTx, email: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`).limit(1);
  return user ?? null;
}

export async function listUsers(db: DbOrTx): Promise<User[]> {
  return db.select().from(users).orderBy(asc(users.email));
}

export async function countUsers(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n;
}

export async function insertUser(db: DbOrTx, input: NewUser): Promise<User> {
  const [user] = await db
    .insert(users)
    // A name is free text: card numbers cut, NUL replaced (Postgres refuses it), as everywhere.
    .values({ email: input.email, name: input.name ? scrubbedText(input.name) : null, role: input.role, passwordHash: await hashPassword(input.password) })
    .returning();
  return user;
}

/** A role change or a disabled account takes effect on the next request (the caller ends sessions). */
export async function updateUser(db: DbOrTx, id: number, change: { role?: Role; active?: boolean }): Promise<User | null> {
  const [user] = await db
    .update(users)
    .set({ ...change, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  return user ?? null;
}

/** Stores a new password; `mustChange` when it was generated for the user (an admin's reset). The caller ends sessions. */
export async function setPassword(db: DbOrTx, id: number, password: string, options: { mustChange?: boolean } = {}): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: await hashPassword(password), mustChangePassword: options.mustChange ?? false, passwordChangedAt: new Date(), updatedAt: new Date() })
    .where(eq(users.id, id));
}
