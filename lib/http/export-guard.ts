import { authorizeSensitive, type StaffUser } from '@/lib/auth/guards';
import type { Permission } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';
import { refuseCrossSite } from './fetch-site';
import { htmlPage, wantsHtml } from './html-page';

/**
 * The checks every CSV export runs first (as GET /payments/export does): not started from another
 * site, the permission, and a fresh second factor. A browser gets a page or the step-up redirect;
 * an API caller gets the error. Returns the user, or the Response to send instead.
 */
export async function exportGuard(
  req: Request,
  permission: Permission,
  back: { href: string; label: string },
  /** What is exported, in words ("payments"), for the refusal a role without the permission gets. */
  what = 'this',
): Promise<StaffUser | Response> {
  try {
    refuseCrossSite(req, { typedAddress: true });
  } catch (err) {
    if (!wantsHtml(req)) throw err;
    return htmlPage(403, {
      title: 'Export not started',
      heading: 'This export was opened from another site',
      body: 'Nothing was exported: PayOps starts an export only from its own pages or an address you type yourself.',
      link: back,
    });
  }
  try {
    return await authorizeSensitive(permission);
  } catch (err) {
    if (err instanceof AppError && err.code === 'step_up_required' && wantsHtml(req)) {
      const here = new URL(req.url);
      return new Response(null, { status: 303, headers: { location: `/login/step-up?next=${encodeURIComponent(here.pathname + here.search)}` } });
    }
    if (err instanceof AppError && err.code === 'forbidden' && wantsHtml(req)) {
      // A shared export link opened by a role that cannot export: a page saying so, not raw JSON.
      return htmlPage(403, { title: 'Export not allowed', heading: `Your role cannot export ${what}`, body: 'CSV exports are for finance and admin staff.', link: back });
    }
    throw err;
  }
}
