/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite ships its own WebAssembly and data files; bundling breaks their paths.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  experimental: {
    // forbidden() renders app/forbidden.tsx with a 403.
    authInterrupts: true,
    // A bulk refund CSV may be 1 MiB (lib/refunds/bulk.ts), plus the form's own bytes; Next's default is 1 MB.
    serverActions: { bodySizeLimit: '1100kb' },
  },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
        ],
      },
      {
        // HTTPS only, for two years, subdomains too. `next start` speaks plain HTTP, so HTTPS means a
        // proxy in front that says so in X-Forwarded-Proto (the first entry: the client's own
        // scheme). A client claiming it over plain HTTP gains nothing: browsers ignore this header
        // on a connection that is not HTTPS (RFC 6797 §8.1).
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https(?:\\s*,.*)?' }],
        headers: [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }],
      },
    ];
  },
};

export default nextConfig;
