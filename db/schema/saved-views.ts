import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A named search of the payments list: its owner's own, or shared with the team. `query` is the
 * canonical query string of /payments (lib/views/views.ts), never a cursor.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ownerId: bigint('owner_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    query: text('query').notNull(),
    shared: boolean('shared').notNull().default(false),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // One name per owner, whatever its case.
    uniqueIndex('saved_views_owner_name_uq').on(t.ownerId, sql`lower(${t.name})`),
    index('saved_views_shared_idx').on(t.id).where(sql`${t.shared}`),
  ],
);

/** Views a user pinned to the navigation: their own, or shared ones. */
export const savedViewPins = pgTable(
  'saved_view_pins',
  {
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    viewId: bigint('view_id', { mode: 'number' })
      .notNull()
      .references(() => savedViews.id, { onDelete: 'cascade' }),
    pinnedAt: at('pinned_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.viewId] })],
);

export type SavedView = typeof savedViews.$inferSelect;
