import { NextResponse, type NextFetchEvent, type NextRequest } from 'next/server';
import { auth } from '@/lib/auth/config';

// Next 16's middleware. It sends signed-out browsers to the sign-in page, refreshes the
// session cookie (the idle timeout counts from the last request), and sets a per-request CSP
// nonce. It is not a security boundary: every page, action and route checks for itself.
const withSession = auth((req) => {
  const { pathname, search } = req.nextUrl;
  // Only a browser asking for a page is redirected; anything else (a CSV download, a server
  // action's POST) reaches its handler, which answers 401 itself.
  const wantsPage = req.method === 'GET' && (req.headers.get('accept') ?? '').includes('text/html');
  if (!req.auth && wantsPage && pathname !== '/login') {
    const login = new URL('/login', req.nextUrl);
    if (pathname !== '/') login.searchParams.set('next', `${pathname}${search}`);
    return NextResponse.redirect(login);
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  // Next reads the nonce from the request's CSP header and puts it on its own scripts.
  const headers = new Headers(req.headers);
  headers.set('content-security-policy', csp);
  headers.set('x-nonce', nonce);
  // The page asked for, so a sign-in step it is sent to can come back to it (lib/auth/guards.ts).
  headers.set('x-payops-path', req.nextUrl.pathname + req.nextUrl.search);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set('content-security-policy', csp);
  res.headers.set('cache-control', 'no-store');
  return res;
});

// With a lazy config (the secret may be generated at boot) Auth.js hands back a promise of
// the wrapped handler; Next wants a plain function.
type Handler = (req: NextRequest, ev: NextFetchEvent) => Promise<Response | undefined>;
export default async function proxy(req: NextRequest, ev: NextFetchEvent) {
  const handler = (await (withSession as unknown as Promise<Handler>)) as Handler;
  return handler(req, ev);
}

export const config = {
  // API routes authenticate for themselves (secret, bearer token or session) and need no CSP.
  // Nor do the static files in public/ (icons, robots.txt, the web manifest): no session, no redirect.
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|robots.txt|manifest.webmanifest|icon.svg|icon-192.png|icon-512.png|apple-touch-icon.png).*)'],
};
