import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { DOCUMENTED_EXAMPLE, exampleWith, notifyRequest } from '@/test/enkash';
import { epochMsLuhnIdArb } from '@/test/fuzz/cards';
import { set, str } from '@/test/fuzz/json';
import { TableWatch, captureConsole } from '@/test/fuzz/leaks';
import { fuzzSettings } from '@/test/fuzz/settings';
import { dateArb, exampleWithNodes, tokenArb, type Shape } from '@/test/fuzz/webhook-cases';
import { WebhookFuzz, itHoldsEveryWebhookProperty } from '@/test/fuzz/webhook-harness';
import { handleEnkashNotify } from './enkash-notify';

// Property-based fuzzing of the Enkash notify webhook (issue 7, "Tests"): thousands of bodies
// mutated from the documented example, each asserting no 5xx, exactly one new deliveries row, and
// none of the card numbers or secrets it carried in any row it wrote or anything it logged; then
// every table and the whole log once more. Runs and seed: test/fuzz/settings.ts.
const settings = fuzzSettings('enkash-notify.fuzz', 300);
const SECRET = 'enkash-fuzz-secret-7c1d9e0b';

const SHAPE: Shape = {
  example: DOCUMENTED_EXAMPLE,
  secretPath: 'paymentToken',
  secretKeys: ['paymentToken'],
  secretHomes: [],
  idPaths: ['transactionId', 'uniqueTransactionId', 'orderId', 'bankTransactionId'],
  datePaths: ['txnDate'],
  moneyPaths: ['amount', 'finalAmount', 'surcharge', 'surchargeGst', 'mdr', 'mdrGst', 'transactionAmount'],
  freeTextPaths: ['txnMsg', 'cardHolderName', 'bankName', 'maskedCardNumber'],
};

describe.each(await testDatabaseKinds())('Enkash notify webhook, fuzzed, on $kind', ({ kind, create }) => {
  let t: TestDb;
  let fuzz: WebhookFuzz;
  let log: ReturnType<typeof captureConsole>;
  const db = () => t.handle.db;
  const watch = new TableWatch(db);
  let n = 0;
  let lastId = '';
  const post = (req: Request) => handleEnkashNotify(req, { db: async () => db(), secret: SECRET });

  beforeAll(async () => {
    t = await create();
    await watch.init();
    log = captureConsole();
    fuzz = new WebhookFuzz(
      {
        name: `enkash on ${kind}`,
        shape: SHAPE,
        freshIds: (tree, repeat) => {
          if (!repeat || !lastId) lastId = `EKFZ${process.pid}x${++n}q`;
          set(tree, 'transactionId', str(lastId));
        },
        request: (built, body) =>
          notifyRequest(body, { key: built.auth === 'ok' ? SECRET : built.auth === 'wrong' ? 'not-the-secret' : null, headers: built.headers }),
        handle: post,
        configSecrets: [SECRET],
      },
      db,
      watch,
      log,
    );
  });
  beforeEach(() => fuzz?.resync());
  afterAll(async () => {
    log?.restore();
    if (fuzz) process.stderr.write(`${fuzz.summary()}\n`);
    await t?.cleanup();
  });

  itHoldsEveryWebhookProperty(settings, `enkash on ${kind}`, SHAPE, () => fuzz);

  // Issue 7: year 0000, 0001-01-01 before 05:30 IST and 9999-12-31 23:59:59-23:59 passed the
  // parser and Postgres refused them (500, delivery lost). Outside years 1000–9998 once shifted to
  // UTC, a date is flagged invalid_txn_date and the receipt time stands in: none is ever stored.
  const dateRuns = settings.share(0.05, 20);
  it(
    'stores no txnDate outside years 1000–9998 (after the zone shift), and answers no 5xx',
    async () => {
      await settings.assert(
        `enkash on ${kind}`,
        fc.asyncProperty(dateArb, tokenArb, async (date, token) => {
          const id = `EKFZD${process.pid}x${++n}q`;
          const res = await post(notifyRequest(exampleWithNodes(DOCUMENTED_EXAMPLE, { transactionId: str(id), paymentToken: str(token), txnDate: date }), { key: SECRET }));
          expect(res.status).toBeLessThan(500);
          const [row] = await queryRows<{ year: number | null; flags: string[] }>(
            db(),
            sql`SELECT extract(year FROM txn_at AT TIME ZONE 'UTC')::int AS year, flags FROM transactions WHERE provider = 'enkash' AND transaction_id = ${id}`,
          );
          if (res.status === 200) expect(row, 'an accepted delivery has its transaction').toBeDefined();
          if (row?.year != null) expect(row.year, `txn_at of ${JSON.stringify(date)}`).toSatisfy((y: number) => y >= 1000 && y <= 9998);
        }),
        dateRuns,
      );
    },
    settings.timeout(dateRuns),
  );

  // Enkash ids embed epoch milliseconds; a purely numeric one passes Luhn one time in ten and
  // cannot be a card (no scheme issues from a leading 1). It must be kept, not cut to its last four.
  const idRuns = settings.share(0.02, 20);
  it(
    'keeps ids that cannot be card numbers intact: Luhn-valid 13-digit epoch-ms transactionIds, bare or inside an id',
    async () => {
      await settings.assert(
        `enkash on ${kind}`,
        fc.asyncProperty(epochMsLuhnIdArb, fc.constantFrom('', 'EK'), tokenArb, async (digits, prefix, token) => {
          const id = prefix ? `${prefix}${digits}yh8GL` : digits;
          const req = notifyRequest(exampleWith({ transactionId: id, paymentToken: token }), { key: SECRET });
          const res = await post(req);
          expect(res.status).toBe(200);
          const rows = await queryRows<{ transaction_id: string }>(db(), sql`SELECT transaction_id FROM transactions WHERE provider = 'enkash' AND transaction_id = ${id}`);
          expect(rows, `transaction ${id} is stored under its own id`).toHaveLength(1);
        }),
        idRuns,
      );
    },
    settings.timeout(idRuns),
  );

  it('after the run, no card number or secret sent is in any table (all columns, as text) or in the log', async () => {
    expect(fuzz.requests).toBeGreaterThan(0);
    expect(await fuzz.finalCheck()).toEqual([]);
  }, 120_000);
});
