import type { NextConfig } from 'next';
import loadCustomRoutes from 'next/dist/lib/load-custom-routes';
import { matchHas } from 'next/dist/shared/lib/router/utils/prepare-destination';
import { describe, expect, it } from 'vitest';

// Strict-Transport-Security is set by next.config.mjs (every response, pages, API and static
// files alike). Read through Next's own loader and matched by Next's own matcher, as `next start`
// does; e2e/cross-site-and-transport.spec.ts asks the built server.
const config: NextConfig = (await import(new URL('../../next.config.mjs', import.meta.url).href)).default;
const { headers } = await loadCustomRoutes(config);

/** The headers Next adds to a response for a request with these headers (every rule is for every path). */
function responseHeaders(request: Record<string, string>): Record<string, string> {
  const req = { headers: request } as unknown as Parameters<typeof matchHas>[0];
  const out: Record<string, string> = {};
  for (const rule of headers) {
    if ((rule.has || rule.missing) && !matchHas(req, {}, rule.has, rule.missing)) continue;
    for (const h of rule.headers) out[h.key.toLowerCase()] = h.value;
  }
  return out;
}

describe('Strict-Transport-Security', () => {
  it('is a rule for every path', () => {
    expect(headers.map((rule) => rule.source)).toEqual(headers.map(() => '/:path*'));
  });

  it.each(['https', 'https, http', 'https,http'])('is sent when the proxy in front says the client came over HTTPS (X-Forwarded-Proto: %s)', (proto) => {
    expect(responseHeaders({ 'x-forwarded-proto': proto })['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  });

  it.each([['http'], ['http, https'], ['httpsx'], [null]])('is not sent over plain HTTP (X-Forwarded-Proto: %s)', (proto) => {
    const got = responseHeaders(proto === null ? {} : { 'x-forwarded-proto': proto });
    expect(got).not.toHaveProperty('strict-transport-security');
    expect(got['x-content-type-options']).toBe('nosniff');
  });
});
