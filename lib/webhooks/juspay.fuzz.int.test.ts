import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { JUSPAY_EVENT, basicAuth, juspayEvent, juspayRequest } from '@/test/juspay';
import { set, str } from '@/test/fuzz/json';
import { TableWatch, captureConsole } from '@/test/fuzz/leaks';
import { fuzzSettings } from '@/test/fuzz/settings';
import { dateArb, exampleWithNodes, type Shape } from '@/test/fuzz/webhook-cases';
import { WebhookFuzz, itHoldsEveryWebhookProperty } from '@/test/fuzz/webhook-harness';
import { handleJuspayWebhook, type JuspayDeps } from './juspay';

// Property-based fuzzing of the Juspay webhook (issue 7, "Tests"), the same properties as the
// Enkash file (test/fuzz/webhook-cases.ts) on Juspay's envelope. Runs and seed: test/fuzz/settings.ts.
const settings = fuzzSettings('juspay.fuzz', 300);
const USER = 'payops-juspay-fuzz';
const PASSWORD = 'juspay-fuzz-password-4b8e21';
const AUTH = basicAuth(USER, PASSWORD);

const ORDER = 'content.order';
const SHAPE: Shape = {
  example: JUSPAY_EVENT,
  secretPath: `${ORDER}.card.card_reference`,
  secretKeys: ['card_reference', 'card_token'],
  secretHomes: [`${ORDER}.card`, ORDER, `${ORDER}.payment`, `${ORDER}.txn_detail`],
  idPaths: ['id', `${ORDER}.order_id`, `${ORDER}.txn_id`, `${ORDER}.txn_uuid`, `${ORDER}.txn_detail.txn_id`, `${ORDER}.id`, `${ORDER}.customer_id`],
  datePaths: [`${ORDER}.txn_detail.created`, `${ORDER}.date_created`, 'date_created'],
  moneyPaths: [`${ORDER}.amount`, `${ORDER}.txn_detail.txn_amount`, `${ORDER}.txn_detail.net_amount`, `${ORDER}.txn_detail.surcharge_amount`, `${ORDER}.txn_detail.tax_amount`],
  freeTextPaths: [`${ORDER}.udf1`, `${ORDER}.udf2`, `${ORDER}.card.name_on_card`, `${ORDER}.resp_message`, `${ORDER}.bank_error_message`, `${ORDER}.payment_gateway_response.resp_message`],
};

/** The fixture's ids for one order, as Juspay sets them together for one attempt (test/juspay.ts). */
function setOrderIds(tree: Parameters<typeof set>[0], order: string) {
  for (const path of [`${ORDER}.order_id`, `${ORDER}.txn_detail.order_id`]) set(tree, path, str(order));
  for (const path of [`${ORDER}.txn_id`, `${ORDER}.txn_detail.txn_id`, `${ORDER}.payment_gateway_response.txn_id`]) set(tree, path, str(`payopsdemo-${order}-1`));
  for (const path of [`${ORDER}.txn_uuid`, `${ORDER}.txn_detail.txn_uuid`]) set(tree, path, str(`uuid${order}`));
}

describe.each(await testDatabaseKinds())('Juspay webhook, fuzzed, on $kind', ({ kind, create }) => {
  let t: TestDb;
  let fuzz: WebhookFuzz;
  let log: ReturnType<typeof captureConsole>;
  const db = () => t.handle.db;
  const watch = new TableWatch(db);
  const deps = (): JuspayDeps => ({ db: async () => db(), credentials: { username: USER, password: PASSWORD, required: true } });
  const post = (req: Request) => handleJuspayWebhook(req, deps());
  let n = 0;
  let lastOrder = '';

  beforeAll(async () => {
    t = await create();
    await watch.init();
    log = captureConsole();
    fuzz = new WebhookFuzz(
      {
        name: `juspay on ${kind}`,
        shape: SHAPE,
        freshIds: (tree, repeat) => {
          // A repeat is another event (new event id) about the same attempt.
          if (!repeat || !lastOrder) lastOrder = `DOTPFZ${process.pid}x${n + 1}`;
          set(tree, 'id', str(`evt_V2_fz${process.pid}x${++n}`));
          setOrderIds(tree, lastOrder);
        },
        request: (built, body) =>
          juspayRequest(body, { authorization: built.auth === 'ok' ? AUTH : built.auth === 'wrong' ? basicAuth(USER, 'not-the-password') : null, headers: built.headers }),
        handle: post,
        configSecrets: [PASSWORD, AUTH.slice('Basic '.length)],
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

  itHoldsEveryWebhookProperty(settings, `juspay on ${kind}`, SHAPE, () => fuzz);

  // Issue 7: dates Postgres refuses passed the parser (500, delivery lost). Outside years 1000–9998
  // once in UTC, a date is flagged invalid_txn_date and the receipt time stands in.
  const dateRuns = settings.share(0.05, 20);
  it(
    'stores no transaction date outside years 1000–9998, and answers no 5xx',
    async () => {
      await settings.assert(
        `juspay on ${kind}`,
        fc.asyncProperty(dateArb, async (date) => {
          const order = `DOTPFZD${process.pid}x${++n}`;
          const body = exampleWithNodes(juspayEvent({ id: `evt_V2_fzd${++n}`, txn: order }), Object.fromEntries(SHAPE.datePaths.map((p) => [p, date])));
          const res = await post(juspayRequest(body, { authorization: AUTH }));
          expect(res.status).toBeLessThan(500);
          const [row] = await queryRows<{ year: number | null }>(
            db(),
            sql`SELECT extract(year FROM txn_at AT TIME ZONE 'UTC')::int AS year FROM transactions WHERE provider = 'juspay' AND transaction_id = ${`payopsdemo-${order}-1`}`,
          );
          if (res.status === 200) expect(row, 'an accepted delivery has its transaction').toBeDefined();
          if (row?.year != null) expect(row.year, `txn_at of ${JSON.stringify(date)}`).toSatisfy((y: number) => y >= 1000 && y <= 9998);
        }),
        dateRuns,
      );
    },
    settings.timeout(dateRuns),
  );

  // Issue 7, loose ends: a Juspay id over 128 characters was cut to 128, so two long ids with one
  // prefix became one payment. Like Enkash, such a delivery is refused with 400 (and recorded).
  const longRuns = settings.share(0.02, 20);
  it(
    'refuses ids over 128 characters with 400 instead of cutting them (two ids with one prefix stay apart)',
    async () => {
      await settings.assert(
        `juspay on ${kind}`,
        fc.asyncProperty(fc.integer({ min: 129, max: 1000 }), fc.constantFrom('a', '7', '-', 'é'), async (length, fill) => {
          const prefix = `L${++n}x`.padEnd(128, fill);
          for (const tail of ['A', 'B']) {
            const order = `${prefix}${tail.repeat(length - 128)}`;
            const res = await post(juspayRequest(juspayEvent({ id: `evt_V2_long${++n}`, txn: order }), { authorization: AUTH }));
            expect(res.status, `an order id of ${order.length} characters`).toBe(400);
          }
          const merged = await queryRows(db(), sql`SELECT transaction_id FROM transactions WHERE provider = 'juspay' AND left(transaction_id, 100) = left(${`payopsdemo-${prefix}`}, 100)`);
          expect(merged).toEqual([]);
        }),
        longRuns,
      );
    },
    settings.timeout(longRuns),
  );

  it('after the run, no card number or secret sent is in any table (all columns, as text) or in the log', async () => {
    expect(fuzz.requests).toBeGreaterThan(0);
    expect(await fuzz.finalCheck()).toEqual([]);
  }, 120_000);
});
