import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Your role cannot open this page</h1>
      <p className="mt-2 text-sm text-slate-600">Ask an admin if you need access.</p>
      <Link href="/payments" className="mt-6 inline-block text-sm font-medium text-indigo-600 hover:underline">
        Back to payments
      </Link>
    </main>
  );
}
