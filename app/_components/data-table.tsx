/** The dashboard's plain table: a scrolling card, a header row, and the caller's rows. */
export function DataTable({ headings, children, cell = 'px-3' }: { headings: readonly string[]; children: React.ReactNode; cell?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {headings.map((h, i) => (
              <th key={`${i}-${h}`} scope="col" className={`whitespace-nowrap ${cell} py-2`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">{children}</tbody>
      </table>
    </div>
  );
}
