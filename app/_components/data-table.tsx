/**
 * The dashboard's plain table: a card with a header row and the caller's rows. Below 768 px it
 * turns into labelled cards (`stack-table` in app/globals.css), so a phone never scrolls sideways;
 * give each cell its column's name with `<Cell label>`.
 */
export function DataTable({ headings, children, cell = 'px-3', caption }: { headings: readonly string[]; children: React.ReactNode; cell?: string; caption?: string }) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm md:overflow-x-auto">
      <table className="stack-table min-w-full divide-y divide-slate-200 text-sm max-md:divide-y-0">
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            {headings.map((h, i) => (
              <th key={`${i}-${h}`} scope="col" className={`whitespace-nowrap ${cell} py-2`}>
                {h || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">{children}</tbody>
      </table>
    </div>
  );
}

/** A table cell that names its column on a phone, where the header row is out of sight. */
export function Cell({ label, className = '', children, ...rest }: { label: string; className?: string; children?: React.ReactNode } & React.TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td data-label={label} className={className} {...rest}>
      {children}
    </td>
  );
}
