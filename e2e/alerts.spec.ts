import { expect, test } from '@playwright/test';
import pg from 'pg';
import { storageState } from './fixtures';

// Alerts are opened by a background job; here they are written straight into the server's database
// (e2e/serve.mjs names it by port), so the page and the banner are tested on their own.
const base = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const url = new URL(base);
url.pathname = `/payops_e2e_${process.env.E2E_PORT ?? '3100'}`;

let client: pg.Client | null = null;

test.beforeAll(async () => {
  client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch {
    client = null;
    return;
  }
  const insert = `INSERT INTO alerts (rule, key, severity, title, opened_summary, summary, opened_numbers, numbers, opened_at, last_evaluated_at, resolved_at)
                  VALUES ($1, $2, $3, $4, $5, $5, $6, $6, now() - $7::interval, now(), $8) RETURNING id`;
  const refused = { windowMinutes: 5, total: 10, refused: 8, unauthorized: 8, invalid: 0, share: 0.8 };
  const [ops] = (
    await client.query(insert, ['deliveries_refused', 'enkash', 'critical', 'Enkash: webhook deliveries refused', '8 of 10 deliveries refused in the last 5 min (80%): 8 × 401 wrong secret.', refused, '12 minutes', null])
  ).rows;
  await client.query(insert, ['payment_disagreements', 'enkash', 'warning', 'Enkash: payments the provider contradicts', '6 payments contradicted in the last hour.', { windowMinutes: 60, mismatches: 4, conflicts: 2 }, '40 minutes', null]);
  await client.query(insert, ['success_rate_drop', 'juspay', 'critical', 'Juspay: success rate down', '50% of 24 finished payments succeeded in the last hour.', { rate: 0.5, baselineRate: 0.9 }, '3 hours', new Date(Date.now() - 2 * 3_600_000)]);
  await client.query(`INSERT INTO alert_deliveries (alert_id, transition, state, attempts, delivered_at) VALUES ($1, 'opened', 'delivered', 1, now())`, [ops.id]);
});

test.afterAll(async () => {
  if (!client) return;
  await client.query('DELETE FROM alert_deliveries');
  await client.query('DELETE FROM alerts');
  await client.end();
});

test.describe('as admin', () => {
  test.use({ storageState: storageState('admin') });

  test('a banner on every page while alerts are open, and /alerts with the numbers and the history', async ({ page }, testInfo) => {
    test.skip(!client, 'needs the Postgres e2e database');
    await page.goto('/payments');
    const banner = page.getByRole('complementary', { name: 'Open alerts' });
    await expect(banner).toContainText('2 alerts open (1 critical)');
    await expect(banner).toContainText('Enkash: webhook deliveries refused · Enkash: payments the provider contradicts');
    await banner.getByRole('link', { name: 'See alerts' }).click();
    await expect(page).toHaveURL(/\/alerts$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Alerts');
    const open = page.getByRole('region', { name: /Open now/ });
    await expect(open.getByRole('heading', { level: 3 })).toHaveText(['Enkash: webhook deliveries refused', 'Enkash: payments the provider contradicts']);
    await expect(open).toContainText(/open for 1[23] min/);
    await expect(open.getByLabel('Numbers when it opened').first()).toContainText('Window5 minDeliveries10Refused8401 wrong secret8400 unreadable0Refused share80%');
    await expect(open).toContainText('Opening message: delivered');
    const history = page.getByRole('region', { name: 'History' });
    await expect(history).toContainText('Juspay: success rate down');
    await expect(history).toContainText('1 h');
    await page.screenshot({ path: testInfo.outputPath('alerts-admin.png'), fullPage: true });
  });
});

test.describe('as finance', () => {
  test.use({ storageState: storageState('finance') });

  test('sees the money alerts only', async ({ page }) => {
    test.skip(!client, 'needs the Postgres e2e database');
    await page.goto('/payments');
    const banner = page.getByRole('complementary', { name: 'Open alerts' });
    await expect(banner).toContainText('1 alert open');
    await expect(banner).not.toContainText('deliveries refused');
    await page.goto('/alerts');
    await expect(page.getByRole('region', { name: /Open now/ })).toContainText('payments the provider contradicts');
    await expect(page.locator('main')).not.toContainText('webhook deliveries refused');
    await expect(page.getByRole('region', { name: 'History' })).toContainText('Juspay: success rate down');
  });
});

test.describe('as support', () => {
  test.use({ storageState: storageState('support') });

  test('sees no banner', async ({ page }) => {
    test.skip(!client, 'needs the Postgres e2e database');
    await page.goto('/payments');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'Open alerts' })).toHaveCount(0);
  });
});
