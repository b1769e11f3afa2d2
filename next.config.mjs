/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // PGlite ships its own WebAssembly and data files; bundling breaks their paths.
  serverExternalPackages: ['@electric-sql/pglite', 'pg'],
  typedRoutes: false,
};

export default nextConfig;
