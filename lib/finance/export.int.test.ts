import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbOrTx } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { transactions, type Transaction } from '@/db/schema';
import { parseCsv } from '@/lib/csv';
import { enkashStatusInfo } from '@/lib/payments/status';
import { searchFromParams } from '@/lib/payments/search-params';
import { EXPORT_HEADER, exportPaymentsCsv, type ExportResult } from './export';

const N = 2500;
// 2025-02-07 14:00:05 IST; three payments share each second, so ties straddle page boundaries.
const BASE = Date.parse('2025-02-07T08:30:05Z');
const NAMES = [
  'Sharma, Priya',
  'Pat "The Cat" O\'Brien',
  'two\r\nlines',
  '=HYPERLINK("http://evil.example","x")',
  '+91 98765 43210',
  '-2+3',
  '@SUM(A1:A2)',
  '\t=1+1',
  'प्रिया शर्मा',
  'Zoë 👩🏽‍💻',
  null,
];

const search = (query: string) => {
  const parsed = searchFromParams(new URLSearchParams(query));
  if (!parsed.success) throw parsed.error;
  return parsed.data;
};

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Uint8Array; text: string; records: string[][] }> {
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  return { bytes, text, records: parseCsv(text.slice(1)) };
}

// What each row should read as, written out independently of the export code.
const neutral = (s: string | null) => (s === null ? '' : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const expected = (t: Transaction) => {
  const ist = new Date(t.txnAt.getTime() + 330 * 60_000).toISOString();
  return [
    `${ist.slice(0, 10)} ${ist.slice(11, 19)} +05:30`,
    t.transactionId,
    t.uniqueTransactionId ?? '',
    t.orderId ?? '',
    '',
    'enkash',
    t.status,
    'UPI',
    'INR',
    t.amount!,
    '0.0000',
    '0.0000',
    t.finalAmount!,
    '',
    '',
    'VISA',
    t.cardLast4!,
    'HDFC Bank',
    neutral(t.cardholderName),
    t.flags.join(' '),
  ];
};

describe.each(await testDatabaseKinds())('payments CSV export on $kind', ({ create }) => {
  let t: TestDb;
  let inserted: Transaction[] = [];
  beforeAll(async () => {
    t = await create();
    for (let start = 0; start < N; start += 500) {
      const batch = Array.from({ length: Math.min(500, N - start) }, (_, k) => {
        const i = start + k;
        const status = i % 4 === 0 ? 'FAILED' : 'SUCCESS';
        const info = enkashStatusInfo(status);
        const paise = String(i % 10_000).padStart(4, '0');
        return {
          provider: 'enkash',
          transactionId: `EKX${String(i).padStart(5, '0')}`,
          uniqueTransactionId: `U${i}`,
          orderId: i % 2 ? `ORDER-${i}` : null,
          status,
          statusRank: info.rank,
          statusFamily: info.family,
          paymentMode: 'UPI',
          currency: 'INR',
          amount: `${i}.${paise}`,
          surcharge: '0.0000',
          surchargeGst: '0.0000',
          finalAmount: `${i}.${paise}`,
          cardScheme: 'VISA',
          cardLast4: String(1000 + (i % 9000)),
          bankName: 'HDFC Bank',
          cardholderName: NAMES[i % NAMES.length],
          txnAt: new Date(BASE - Math.floor(i / 3) * 1000),
          flags: i % 50 === 0 ? ['amount_mismatch', 'card_number_scrubbed'] : [],
        };
      });
      inserted.push(...(await t.handle.db.insert(transactions).values(batch).returning()));
    }
    inserted = inserted.sort((a, b) => b.txnAt.getTime() - a.txnAt.getTime() || b.id - a.id);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('streams every matching row in pages and reads back exactly', async () => {
    const ends: ExportResult[] = [];
    const { bytes, text, records } = await readAll(exportPaymentsCsv(t.handle.db, search('limit=5'), { pageSize: 1000, onEnd: (r) => ends.push(r) }));
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1).split('\r\n', 1)[0]).toBe(EXPORT_HEADER.join(','));
    expect(records).toHaveLength(N + 1);
    expect(records[0]).toEqual(EXPORT_HEADER);
    expect(records.slice(1)).toEqual(inserted.map(expected));
    expect(records[1][0]).toBe('2025-02-07 14:00:05 +05:30');
    expect(ends).toEqual([{ outcome: 'ok', rows: N, pages: 3 }]);
  });

  it('applies the search filters and ignores the cursor of the page it came from', async () => {
    const { records } = await readAll(
      exportPaymentsCsv(t.handle.db, search('status=failed&cursor=WyIyMDI1LTAyLTA3VDAwOjAwOjAwLjAwMFoiLDFd'), { pageSize: 100 }),
    );
    const failed = inserted.filter((r) => r.status === 'FAILED');
    expect(failed).toHaveLength(N / 4);
    expect(records.slice(1)).toEqual(failed.map(expected));
  });

  it('exports just the header when nothing matches', async () => {
    const ends: ExportResult[] = [];
    const { records } = await readAll(exportPaymentsCsv(t.handle.db, search('q=NOPE'), { onEnd: (r) => ends.push(r) }));
    expect(records).toEqual([EXPORT_HEADER]);
    expect(ends).toEqual([{ outcome: 'ok', rows: 0, pages: 1 }]);
  });

  it('fetches only what the reader asks for and says when the reader went away', async () => {
    const ends: ExportResult[] = [];
    const reader = exportPaymentsCsv(t.handle.db, search(''), { pageSize: 1000, onEnd: (r) => ends.push(r) }).getReader();
    await reader.read(); // header
    await reader.read(); // first page
    await reader.cancel();
    expect(ends).toHaveLength(1);
    expect(ends[0].outcome).toBe('cancelled');
    expect(ends[0].rows).toBeLessThan(N);
  });

  it('fails the stream, rather than ending it quietly, when the database fails', async () => {
    const broken = { select: () => { throw new Error('connection lost'); } } as unknown as DbOrTx;
    const ends: ExportResult[] = [];
    await expect(readAll(exportPaymentsCsv(broken, search(''), { onEnd: (r) => ends.push(r) }))).rejects.toThrow('connection lost');
    expect(ends).toEqual([{ outcome: 'failed', rows: 0, pages: 0 }]);
  });
});
