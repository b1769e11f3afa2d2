import Link from 'next/link';

/** Keyset pages only go forward: "Newest" back to the first page, "Older" to the next. */
export function KeysetPager({ path, params, onFirstPage, nextCursor }: { path: string; params: Record<string, string | undefined>; onFirstPage: boolean; nextCursor: number | null }) {
  const href = (cursor?: number) => {
    const query = new URLSearchParams(Object.entries({ ...params, cursor: cursor?.toString() }).filter((e): e is [string, string] => !!e[1]));
    return query.size ? `${path}?${query}` : path;
  };
  if (onFirstPage && nextCursor === null) return null;
  const link = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50';
  return (
    <nav aria-label="Pages" className="mt-4 flex justify-end gap-2 text-sm">
      {!onFirstPage && (
        <Link href={href()} className={link}>
          ← Newest
        </Link>
      )}
      {nextCursor !== null && (
        <Link href={href(nextCursor)} className={link} rel="next">
          Older →
        </Link>
      )}
    </nav>
  );
}
