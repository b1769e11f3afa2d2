/** The sign-in pages' frame: the product's name, what this step is, and the step's card. */
export function AuthCard({ title, lead, children, wide = false }: { title: string; lead: React.ReactNode; children: React.ReactNode; wide?: boolean }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-6 py-10">
      <div className={`w-full ${wide ? 'max-w-lg' : 'max-w-sm'}`}>
        <p className="text-sm font-semibold tracking-tight text-indigo-700">PayOps</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">{title}</h1>
        <div className="mt-1 text-sm text-slate-600">{lead}</div>
        <div className="mt-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">{children}</div>
      </div>
    </main>
  );
}
