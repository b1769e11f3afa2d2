// GET /payments/go?q=<any id> — opens the payment an id names (the command palette's "paste an id").
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { searchTransactions } from '@/lib/payments/queries';
import { SEARCH_Q_MAX, searchHref } from '@/lib/payments/search-params';
import { storableText } from '@/lib/text';

export const dynamic = 'force-dynamic';

/**
 * One payment with that id (any of its ids, any case) → its page; none or several → the list,
 * searching for it, which says which. Only ids: a name fragment or a filter goes to the list too.
 */
export async function GET(req: Request) {
  const url = new URL(req.url);
  try {
    await authorize('payments.read');
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // Signed out: the sign-in page, back here after. Signed in without the permission: the list answers 403.
    return seeOther(err.code === 'unauthorized' ? `/login?next=${encodeURIComponent(url.pathname + url.search)}` : '/payments');
  }
  const q = storableText((url.searchParams.get('q') ?? '').trim().slice(0, SEARCH_Q_MAX)).text;
  const list = searchHref('/payments', { q });
  if (!q) return seeOther(list);
  const page = await searchTransactions(await getDb(), { q, limit: 2, matchNames: false });
  const only = page.rows.length === 1 ? page.rows[0] : null;
  return seeOther(only ? `/payments/${only.id}` : list);
}

// A relative Location: the server's own idea of its host (req.url) may not be the one the
// browser used (127.0.0.1 against localhost, a proxy's name), and the session cookie follows the host.
const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
