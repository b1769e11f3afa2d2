import { connection } from 'next/server';
import Link from 'next/link';

// Rendered per request (not prerendered), so it carries the request's CSP nonce like every page.
export default async function NotFound() {
  await connection();
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Nothing here</h1>
      <Link href="/payments" className="mt-6 inline-block text-sm font-medium text-indigo-600 hover:underline">
        Back to payments
      </Link>
    </main>
  );
}
