/** A titled card of the payment page. */
export function Section({ title, children, className = '', id }: { title: string; children: React.ReactNode; className?: string; id?: string }) {
  return (
    <section id={id} aria-label={title} className={`min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm ${className}`}>
      <h2 className="mb-3 text-sm font-semibold text-slate-900">{title}</h2>
      {children}
    </section>
  );
}

export function Fields({ children }: { children: React.ReactNode }) {
  return <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">{children}</dl>;
}

/** One label and value; an empty value shows a dash. */
export function Field({ label, children, mono = false }: { label: string; children: React.ReactNode; mono?: boolean }) {
  const empty = children === null || children === undefined || children === '';
  return (
    <>
      <dt className="text-slate-600">{label}</dt>
      <dd className={`min-w-0 break-words ${mono ? 'font-mono text-xs leading-5' : ''} ${empty ? 'text-slate-500' : 'text-slate-900'}`}>{empty ? '—' : children}</dd>
    </>
  );
}
