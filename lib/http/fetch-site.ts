import { AppError } from '@/lib/errors';

/**
 * Cross-site request forgery, refused by what the browser says about where a request came from
 * (Fetch Metadata: `Sec-Fetch-Site`, which a page cannot set or forge). A link, form, image or
 * script on another site makes the victim's browser send its PayOps session cookie along; this
 * stops such a request from acting in the signed-in user's name (an audited CSV export, say).
 *
 * - absent: a client that is not a browser (curl, a script) or an old browser: allowed, since no
 *   page is steering it and the session still has to be real;
 * - `same-origin`: PayOps' own pages: allowed;
 * - `none`: the user typed the address, used a bookmark, or opened a link from another
 *   application: allowed only where `typedAddress` says so (a GET that is safe to bookmark);
 * - `same-site` (another subdomain, which may not be ours to trust) and `cross-site`: refused.
 *
 * Server actions need none of this: Next compares their Origin with the host itself.
 */
export function refuseCrossSite(req: Request, opts: { typedAddress?: boolean } = {}): void {
  const site = req.headers.get('sec-fetch-site');
  if (site === null || site === 'same-origin' || (site === 'none' && opts.typedAddress)) return;
  throw new AppError('forbidden', 'This request came from another site, so PayOps did not act on it. Start it from PayOps itself.');
}
