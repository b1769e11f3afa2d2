'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { actionIp } from '@/lib/http/action-request';
import { deleteView, saveView, saveViewSchema, setViewPinned, setViewShared, viewIdSchema, type ViewActor, type ViewResult } from '@/lib/views/views';

export interface ViewActionState {
  ok: boolean;
  message: string;
  fieldErrors?: Record<string, string>;
}

async function actor(permission: Permission): Promise<ViewActor | ViewActionState> {
  try {
    const user = await authorize(permission);
    return { id: user.id, role: user.role, sourceIp: await actionIp() };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}
const isActor = (a: ViewActor | ViewActionState): a is ViewActor => 'id' in a;

function done(result: ViewResult): ViewActionState {
  // Pinned views are in every page's navigation.
  if (result.ok) revalidatePath('/', 'layout');
  return { ok: result.ok, message: result.message };
}

/** "Save view": names the current search of /payments; optionally shared and pinned. */
export async function saveViewAction(form: FormData): Promise<ViewActionState> {
  const who = await actor('views.save');
  if (!isActor(who)) return who;
  const input = saveViewSchema.safeParse({
    name: form.get('name') ?? '',
    query: form.get('query') ?? '',
    shared: form.get('shared') === 'on' ? 'true' : 'false',
    pinned: form.get('pinned') === 'on' ? 'true' : 'false',
  });
  if (!input.success) {
    const fieldErrors = Object.fromEntries(input.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message]));
    return { ok: false, message: 'The view was not saved: see below.', fieldErrors };
  }
  return done(await saveView(await getDb(), who, input.data));
}

const toggle = z.object({ viewId: viewIdSchema, on: z.boolean() });

/** Pins a view to the navigation or unpins it (one's own or a shared one). */
export async function pinViewAction(viewId: number, pinned: boolean): Promise<ViewActionState> {
  const who = await actor('views.save');
  if (!isActor(who)) return who;
  const input = toggle.safeParse({ viewId, on: pinned });
  if (!input.success) return { ok: false, message: 'That is not a view.' };
  return done(await setViewPinned(await getDb(), who, { viewId: input.data.viewId, pinned: input.data.on }));
}

/** Shares one's view with the team or makes it private again; audited. */
export async function shareViewAction(viewId: number, shared: boolean): Promise<ViewActionState> {
  const who = await actor(shared ? 'views.share' : 'views.save');
  if (!isActor(who)) return who;
  const input = toggle.safeParse({ viewId, on: shared });
  if (!input.success) return { ok: false, message: 'That is not a view.' };
  return done(await setViewShared(await getDb(), who, { viewId: input.data.viewId, shared: input.data.on }));
}

/** Deletes a view: its owner, or an admin for a shared one; a shared view's deletion is audited. */
export async function deleteViewAction(viewId: number): Promise<ViewActionState> {
  const who = await actor('views.save');
  if (!isActor(who)) return who;
  const id = viewIdSchema.safeParse(viewId);
  if (!id.success) return { ok: false, message: 'That is not a view.' };
  return done(await deleteView(await getDb(), who, { viewId: id.data }));
}
