import { cache } from 'react';
import { getDb } from '@/db/client';
import { listViews } from '@/lib/views/views';

/** The user's views and the team's, read once per request (the layout's nav and the payments page share it). */
export const viewsFor = cache(async (userId: number) => listViews(await getDb(), userId));
