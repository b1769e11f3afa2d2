import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { transactions } from '@/db/schema';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { normalizeEnkashNotify, sha256 } from './enkash-notify';
import { ingestClaim } from './ingest';
import { countTransactions, getPaymentDetail, searchQuery, searchTransactions, type TransactionQuery } from './queries';
import { parseSearchLenient, type Cursor } from './search-params';

const XSS = '<img src=x onerror=alert(1)>';

async function notify(db: Db, body: Record<string, unknown>, flags: string[] = []) {
  const normalized = normalizeEnkashNotify(body);
  if (!normalized.ok) throw new Error(normalized.reason);
  const text = JSON.stringify(normalized.claim.payload);
  return ingestClaim(db, normalized.claim, {
    provider: 'enkash', sourceIp: '203.0.113.7', userAgent: 'test', auth: 'ok',
    bodySha256: sha256(text), bodyBytes: text.length, body: text, bodyTruncated: false, flags,
  });
}

const payment = (id: string, overrides: Record<string, unknown> = {}) => ({
  transactionId: id,
  uniqueTransactionId: `U-${id}`,
  orderId: `ORDER-${id}`,
  bankTransactionId: `BANK-${id}`,
  status: 'SUCCESS',
  paymentMode: 'CREDIT_CARD',
  currency: 'INR',
  amount: '100.00',
  surcharge: '0.0000',
  surchargeGst: '0.0000',
  finalAmount: '100.00',
  maskedCardNumber: 'XXXX XXXX XXXX 1111',
  cardHolderName: 'NA',
  txnDate: '2025-03-01 10:00:00',
  ...overrides,
});

/** Searches with the page's defaults (names on, 200 a page) and answers the transaction ids. */
const ids = async (db: Db, params: string, extra: Partial<TransactionQuery> = {}) => {
  const { search, notices } = parseSearchLenient(new URLSearchParams(params));
  expect(notices, params).toEqual([]);
  const page = await searchTransactions(db, { ...search, limit: 200, matchNames: true, ...extra });
  return page.rows.map((r) => r.transactionId).sort();
};

const range = (from: number, to: number, prefix = 'EKS') => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(3, '0')}`);

describe.each(await testDatabaseKinds())('payment search on $kind', ({ create }) => {
  let t: TestDb;
  let db: Db;
  beforeAll(async () => {
    t = await create();
    db = t.handle.db;
    const names = ['RAHUL SHARMA', 'Priya Sharma', 'Amit Kumar'];
    for (let i = 0; i < 30; i++) {
      await notify(
        db,
        payment(`EKS${String(i).padStart(3, '0')}`, {
          status: i % 5 === 0 ? 'FAILED' : 'SUCCESS',
          paymentMode: i % 2 ? 'UPI' : 'CREDIT_CARD',
          maskedCardNumber: `XXXX XXXX XXXX ${i % 4 === 0 ? '4242' : '9015'}`,
          cardHolderName: names[i % 3],
          txnDate: `2025-03-${String(5 + (i % 3)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:15:00`,
          amount: `${100 + i}.50`,
          // Every seventh is off by a rupee: flagged amount_mismatch.
          finalAmount: i % 7 === 3 ? `${101 + i}.50` : `${100 + i}.50`,
        }),
      );
    }
    const special: [string, string][] = [['EKX1', 'ANN_LEE'], ['EKX2', 'ANNXLEE'], ['EKX3', 'ANN%LEE'], ['EKX4', 'ANN\\LEE'], ['EKX5', "O'BRIEN"], ['EKX6', XSS]];
    for (const [id, name] of special) await notify(db, payment(id, { cardHolderName: name, txnDate: '2025-02-01 09:00:00' }));
    await notify(db, payment('EKX7', { orderId: 'ABCDEF', cardHolderName: 'NA', txnDate: '2025-02-01 09:00:00' }));
    await db.insert(transactions).values({
      provider: 'juspay', transactionId: 'JP1', status: 'CHARGED', statusRank: 50, statusFamily: 'success',
      finalAmount: '42.0000', txnAt: new Date('2025-01-15T00:00:00Z'),
    });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('finds an exact id in each of the four id columns, and nothing for a near miss', async () => {
    expect(await ids(db, 'q=EKS007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=U-EKS007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=ORDER-EKS007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=BANK-EKS007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=EKS00')).toEqual([]);
    expect(await ids(db, 'q=EKS0077')).toEqual([]);
  });

  it('matches every id in any case, and from six characters by its beginning', async () => {
    expect(await ids(db, 'q=eks007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=u-eKs007')).toEqual(['EKS007']);
    expect(await ids(db, 'q=order-eks00')).toEqual(range(0, 9));
    expect(await ids(db, 'q=BANK-EKS01')).toEqual(range(10, 19));
    expect(await ids(db, 'q=EKX')).toEqual([]); // three characters: whole ids only
    // PayOps' own id (digits) too.
    const [{ id }] = await db.select({ id: transactions.id }).from(transactions).where(sql`${transactions.transactionId} = 'EKS012'`);
    expect(await ids(db, `q=${id}`)).toContain('EKS012');
  });

  it('finds an amount typed in the search box, and filters typed as words', async () => {
    expect(await ids(db, 'q=111.50')).toEqual(['EKS010', 'EKS011']);
    expect(await ids(db, `q=${encodeURIComponent('₹111.5')}`)).toEqual(['EKS010', 'EKS011']);
    expect(await ids(db, `q=${encodeURIComponent('status:failed mode:upi')}`)).toEqual(['EKS005', 'EKS015', 'EKS025']);
    expect(await ids(db, `q=${encodeURIComponent('>128.50 status:success')}`)).toEqual(['EKS029']);
  });

  it('finds a letters-only order id even though it reads like a name fragment', async () => {
    expect(await ids(db, 'q=ABCDEF')).toEqual(['EKX7']);
  });

  it('finds card last fours', async () => {
    expect(await ids(db, 'q=4242')).toEqual(range(0, 29).filter((_, i) => i % 4 === 0));
  });

  it('finds cardholder-name fragments, case-insensitively, three letters and up', async () => {
    const sharmas = range(0, 29).filter((_, i) => i % 3 !== 2);
    expect(await ids(db, 'q=sharma')).toEqual(sharmas);
    expect(await ids(db, 'q=SHAR')).toEqual(sharmas);
    expect(await ids(db, 'q=rahul%20sh')).toEqual(range(0, 29).filter((_, i) => i % 3 === 0));
    expect(await ids(db, 'q=umar')).toEqual(range(0, 29).filter((_, i) => i % 3 === 2));
    expect(await ids(db, 'q=sh')).toEqual([]); // two letters: an exact id, which it is not (the page asks for a third)
    expect(await ids(db, "q=o'brien")).toEqual(['EKX5']);
    expect(await ids(db, `q=${encodeURIComponent('onerror=alert')}`)).toEqual(['EKX6']);
  });

  it('matches LIKE metacharacters literally', async () => {
    expect(await ids(db, 'q=ANN_LEE')).toEqual(['EKX1']);
    expect(await ids(db, 'q=ANN%25LEE')).toEqual(['EKX3']);
    expect(await ids(db, `q=${encodeURIComponent('ANN\\LEE')}`)).toEqual(['EKX4']);
    expect(await ids(db, 'q=ANN')).toEqual(['EKX1', 'EKX2', 'EKX3', 'EKX4']);
  });

  it('never matches names for the read API', async () => {
    expect(await ids(db, 'q=sharma', { matchNames: false })).toEqual([]);
    expect(await ids(db, 'q=ABCDEF', { matchNames: false })).toEqual(['EKX7']);
  });

  it('filters by status, payment mode and provider', async () => {
    expect(await ids(db, 'status=failed&paymentMode=UPI')).toEqual(['EKS005', 'EKS015', 'EKS025']);
    expect(await ids(db, 'provider=juspay')).toEqual(['JP1']);
    expect(await ids(db, 'provider=enkash')).toHaveLength(37);
    expect(await ids(db, 'status=CHARGED&provider=enkash')).toEqual([]);
  });

  it('filters by IST days, the boundary at IST midnight', async () => {
    // 2025-03-06 IST holds i % 3 === 1.
    expect(await ids(db, 'from=2025-03-06&to=2025-03-06')).toEqual(range(0, 29).filter((_, i) => i % 3 === 1));
    expect(await ids(db, 'to=2025-01-31')).toEqual(['JP1']);
  });

  it('filters the final amount by an exact, inclusive decimal range', async () => {
    // final amounts: 100.50 + i, plus a rupee when i % 7 === 3.
    const final = (i: number) => 100.5 + i + (i % 7 === 3 ? 1 : 0);
    const between = (lo: number, hi: number) => range(0, 29).filter((_, i) => final(i) >= lo && final(i) <= hi);
    expect((await ids(db, 'minAmount=110.5&maxAmount=119.5')).filter((id) => id.startsWith('EKS'))).toEqual(between(110.5, 119.5));
    expect(await ids(db, 'minAmount=110.5001&maxAmount=111.4999')).toEqual([]);
    expect(await ids(db, 'minAmount=111.50&maxAmount=111.5')).toEqual(['EKS010', 'EKS011']);
    expect(await ids(db, 'maxAmount=42')).toEqual(['JP1']);
  });

  it('shows only flagged payments', async () => {
    const all = await searchTransactions(db, { limit: 200 });
    const flagged = all.rows.filter((r) => r.flags.length > 0).map((r) => r.transactionId).sort();
    expect(flagged).toEqual(expect.arrayContaining(['EKS003', 'EKS010', 'EKS017', 'EKS024']));
    expect(await ids(db, 'flagged=1')).toEqual(flagged);
    expect(await ids(db, 'flagged=0')).toHaveLength(all.rows.length);
  });

  it('counts exactly up to the cap, and says when there are more', async () => {
    const { search } = parseSearchLenient(new URLSearchParams('status=FAILED'));
    expect(await countTransactions(db, search)).toEqual({ count: 6, capped: false });
    expect(await countTransactions(db, { limit: 50 })).toEqual({ count: 38, capped: false });
    expect(await countTransactions(db, { limit: 50 }, 38)).toEqual({ count: 38, capped: false });
    expect(await countTransactions(db, { limit: 50 }, 37)).toEqual({ count: 37, capped: true });
    expect(await countTransactions(db, { limit: 50, q: 'sharma', matchNames: true }, 10)).toEqual({ count: 10, capped: true });
  });

  it('pages forward and back with keyset cursors, without gaps or repeats, even within one millisecond', async () => {
    // Receipt-time fallbacks carry microseconds; a millisecond cursor would skip some of these.
    await db.execute(sql`
      INSERT INTO transactions (provider, transaction_id, status, status_rank, status_family, txn_at)
      SELECT 'enkash', 'EKU' || g, 'SUCCESS', 50, 'success', '2025-03-20T10:00:00.123Z'::timestamptz + (g * interval '1 microsecond') * (g % 3)
      FROM generate_series(1, 9) g`);
    try {
      const forward: string[][] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | null = null;
      do {
        const { search } = parseSearchLenient(new URLSearchParams(cursor ? { cursor, limit: '4' } : { limit: '4' }));
        const page = await searchTransactions(db, search);
        expect(page.prevCursor === null).toBe(cursor === null);
        forward.push(page.rows.map((r) => r.transactionId));
        cursors.push(page.prevCursor);
        cursor = page.nextCursor;
      } while (cursor);
      const seen = forward.flat();
      expect(seen).toHaveLength(47);
      expect(new Set(seen).size).toBe(47);
      const all = await searchTransactions(db, { limit: 200 });
      expect(all.rows.map((r) => r.transactionId)).toEqual(seen);

      // Previous from every page gives the page before it; from the second, the first page.
      for (let p = forward.length - 1; p >= 1; p--) {
        const { search } = parseSearchLenient(new URLSearchParams({ cursor: cursors[p]!, limit: '4' }));
        const page = await searchTransactions(db, search);
        expect(page.rows.map((r) => r.transactionId), `page ${p}`).toEqual(forward[p - 1]);
        expect(page.prevCursor === null, `page ${p}`).toBe(p === 1);
        expect(page.nextCursor).not.toBeNull();
      }
    } finally {
      await db.execute(sql`DELETE FROM transactions WHERE transaction_id LIKE 'EKU%'`);
    }
  });

  it('sorts by amount and by age, paging without gaps, and says where each page starts', async () => {
    const read = async (params: Record<string, string>) => {
      const { search, notices } = parseSearchLenient(new URLSearchParams(params));
      expect(notices).toEqual([]);
      return searchTransactions(db, search);
    };
    const all = await searchTransactions(db, { limit: 200 });
    const byAmount = [...all.rows].sort((a, b) => Number(b.finalAmount ?? -1) - Number(a.finalAmount ?? -1) || b.id - a.id).map((r) => r.transactionId);
    const seen: string[] = [];
    const starts: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof read>> = await read(cursor ? { sort: 'amount_desc', limit: '10', cursor } : { sort: 'amount_desc', limit: '10' });
      starts.push(page.start);
      seen.push(...page.rows.map((r) => r.transactionId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(byAmount);
    expect(starts).toEqual([0, 10, 20, 30]);

    const ascending = await read({ sort: 'amount_asc', limit: '3' });
    expect(ascending.rows.map((r) => r.transactionId)).toEqual(byAmount.slice(-3).reverse());
    const second = await read({ sort: 'amount_asc', limit: '3', cursor: ascending.nextCursor! });
    const back = await read({ sort: 'amount_asc', limit: '3', cursor: second.prevCursor! });
    expect(back.rows.map((r) => r.transactionId)).toEqual(ascending.rows.map((r) => r.transactionId));
    expect(back.start).toBe(0);

    const oldest = await read({ sort: 'oldest', limit: '2' });
    expect(oldest.rows.map((r) => r.transactionId)).toEqual(all.rows.slice(-2).reverse().map((r) => r.transactionId));
  });

  it.each([
    ["' OR 1=1 --"],
    ["'; DROP TABLE transactions; --"],
    ['%'],
    ['%%%'],
    ['_'],
    ['\\'],
    ['\\\\%_'],
    ['abc\\'],
    ['a\u0000b'],
    ['abc\u0000def'],
    ['😀😀😀'],
    ['\uD800abc'],
    ['x'.repeat(200)],
    ['"quoted" name'],
    [XSS],
    ['<img src=x onerror=alert('],
  ])('treats hostile search text %j as data, never an error', async (q) => {
    const { search, notices } = parseSearchLenient(new URLSearchParams({ q }));
    expect(notices).toEqual([]);
    const page = await searchTransactions(db, { ...search, matchNames: true });
    const expected = q === '<img src=x onerror=alert(' ? ['EKX6'] : [];
    expect(page.rows.map((r) => r.transactionId)).toEqual(expected);
    expect(await countTransactions(db, { ...search, matchNames: true })).toEqual({ count: expected.length, capped: false });
  });

  it('refuses 10,000 characters with a notice and searches without them', async () => {
    const { search, notices } = parseSearchLenient(new URLSearchParams({ q: '%'.repeat(10_000), status: 'FAILED' }));
    expect(notices).toHaveLength(1);
    expect(await searchTransactions(db, { ...search, matchNames: true })).toMatchObject({ rows: expect.any(Array) });
    expect((await countTransactions(db, search)).count).toBe(6);
  });

  it('shows a payment with every delivery in order, the payload only when asked', async () => {
    await notify(db, payment('EKT1', { status: 'PENDING_WITH_BANK', paymentToken: 'tok-3c9a1f77e2' }));
    await notify(db, payment('EKT1'));
    await notify(db, payment('EKT1'), ['unauthenticated']); // a repeat
    await notify(db, payment('EKT1', { status: 'FAILED' })); // contradicts SUCCESS
    const [row] = await db.select({ id: transactions.id }).from(transactions).where(sql`transaction_id = 'EKT1'`);

    const hidden = await getPaymentDetail(db, { id: row.id, includePayload: false });
    expect(hidden?.transaction).toMatchObject({ transactionId: 'EKT1', status: 'SUCCESS' });
    expect(hidden?.transaction.flags).toContain('status_conflict');
    expect(hidden?.deliveries.map((d) => [d.eventStatus, d.outcome, d.effect])).toEqual([
      ['PENDING_WITH_BANK', 'accepted', 'created'],
      ['SUCCESS', 'accepted', 'applied'],
      ['SUCCESS', 'duplicate', null],
      ['FAILED', 'accepted', 'conflict'],
    ]);
    expect(hidden?.deliveries[2].deliveryFlags).toEqual(['unauthenticated']);
    expect(hidden?.deliveries.every((d) => !('payload' in d))).toBe(true);

    const shown = await getPaymentDetail(db, { id: row.id, includePayload: true });
    expect(shown?.deliveries[0].payload).toMatchObject({ transactionId: 'EKT1', status: 'PENDING_WITH_BANK' });
    expect(JSON.stringify(shown)).not.toContain('tok-3c9a1f77e2');

    expect(await getPaymentDetail(db, { id: 9_999_999, includePayload: true })).toBeNull();
  });

  // Small tables make any plan cheap, so forbid sorts and sequential scans: the plan that is
  // left shows whether an index can serve the filter in keyset order.
  describe('query plans', () => {
    const plan = async (search: TransactionQuery) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL enable_seqscan = off`);
        await tx.execute(sql`SET LOCAL enable_sort = off`);
        await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
        const rows = (await tx.execute(sql`EXPLAIN ${searchQuery(tx, search)}`)) as unknown as { rows: Record<string, string>[] };
        return rows.rows.map((r) => Object.values(r)[0]).join('\n');
      });
    const cursor = { key: '2025-03-06T00:00:00Z', id: 5 };

    it.each([
      ['no filter', {}, 'transactions_txn_at_id_idx'],
      ['a date range', { from: new Date('2025-03-01T00:00:00Z'), to: new Date('2025-03-07T00:00:00Z') }, 'transactions_txn_at_id_idx'],
      ['status', { status: 'SUCCESS' }, 'transactions_status_txn_at_idx'],
      ['payment mode', { paymentMode: 'UPI' }, 'transactions_payment_mode_txn_at_idx'],
      ['card last four', { q: '4242' }, 'transactions_card_last4_txn_at_idx'],
      ['only flagged', { flagged: true }, 'transactions_flagged_txn_at_idx'],
    ] as [string, Partial<TransactionQuery>, string][])('%s walks %s in keyset order', async (_name, filters, index) => {
      for (const c of [undefined, cursor, { ...cursor, backward: true as const }] as (Cursor | undefined)[]) {
        const text = await plan({ limit: 51, ...filters, cursor: c });
        expect(text, text).toContain(`Index Scan${c?.backward ? '' : ' Backward'} using ${index}`);
        expect(text, text).not.toMatch(/Sort|Seq Scan/);
      }
    });

    it('walks transactions_amount_sort_idx in keyset order when sorting by amount', async () => {
      for (const sort of ['amount_desc', 'amount_asc'] as const) {
        const c = { key: '100.5000', id: 5, sort };
        for (const cur of [undefined, c, { ...c, backward: true as const }] as (Cursor | undefined)[]) {
          const text = await plan({ limit: 51, sort, cursor: cur });
          expect(text, text).toContain('using transactions_amount_sort_idx');
          expect(text, text).not.toMatch(/Sort|Seq Scan/);
        }
      }
    });

    it('looks ids up through the lower() indexes, whole and by their beginning', async () => {
      for (const q of ['eks007', 'order-eks00']) {
        const text = await db.transaction(async (tx) => {
          await tx.execute(sql`SET LOCAL enable_seqscan = off`);
          const rows = (await tx.execute(sql`EXPLAIN ${searchQuery(tx, { limit: 51, q })}`)) as unknown as { rows: Record<string, string>[] };
          return rows.rows.map((r) => Object.values(r)[0]).join('\n');
        });
        for (const index of ['transaction_id_lower_idx', 'unique_transaction_id_lower_idx', 'order_id_lower_idx', 'bank_transaction_id_lower_idx']) {
          expect(text, text).toContain(`transactions_${index}`);
        }
      }
    });
  });
});
