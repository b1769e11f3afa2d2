import { expect, test, type Page } from '@playwright/test';
import { E2E } from '../playwright.config';
import { choose, consoleErrors, exampleWith, LONG_ID, NOTIFY_PATH, overflowX, roleShown, storageState } from './fixtures';

// Each test here is one defect a new user met (issue 13), written so that it fails on the code
// that had it.

const todayIst = () => new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const results = (page: Page) => page.getByRole('region', { name: 'Payments found' });

test.describe('finance staff', () => {
  test.use({ storageState: storageState('finance') });

  test('1. Clear on /payments empties the search box and the filters; the next Search is unfiltered', async ({ page }) => {
    await page.goto('/payments');
    const box = page.getByRole('searchbox', { name: 'Search payments' });
    await box.fill('EKE2EXSS0001');
    await box.press('Enter');
    await page.waitForURL(/q=EKE2EXSS0001/);
    await choose(page, 'Status', 'Success');
    await page.waitForURL(/status=SUCCESS/);
    await expect(results(page).getByRole('link', { name: 'EKE2EXSS0001' })).toBeVisible();
    await page.getByRole('link', { name: 'Clear', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/payments' && u.search === '');
    await expect(box).toHaveValue('');
    await expect(page.getByLabel('Status', { exact: true })).toHaveText('Any status');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).search).toBe('');
  });

  test('1. Clear on /audit empties the actor and the filters', async ({ page }) => {
    await page.goto('/audit');
    const actor = page.getByLabel(/^Actor/);
    await actor.fill('finance@e2e');
    await actor.press('Enter');
    await page.waitForURL(/actor=finance%40e2e/);
    await choose(page, 'Outcome', 'ok');
    await page.waitForURL(/outcome=ok/);
    await page.getByRole('link', { name: 'Clear', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/audit' && u.search === '');
    await expect(actor).toHaveValue('');
    await expect(page.getByLabel('Outcome', { exact: true })).toHaveText('Any outcome');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).search).toBe('');
  });

  test('2. at 1440 px a long id never pushes the Flags column out of the table', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/payments?status=FAILED');
    const found = results(page);
    await expect(found.getByRole('link', { name: LONG_ID })).toBeVisible();
    const flags = found.getByRole('columnheader', { name: 'Flags' });
    await expect(flags).toBeInViewport();
    const frame = await found.locator('table').evaluate((t) => ({ scroll: t.parentElement!.scrollWidth, width: t.parentElement!.clientWidth }));
    expect(frame.scroll).toBeLessThanOrEqual(frame.width);
    const table = (await found.locator('table').boundingBox())!;
    const header = (await flags.boundingBox())!;
    expect(header.x + header.width).toBeLessThanOrEqual(table.x + table.width + 1);
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
  });

  test('3. /audit gives details room: labelled lines, not one character per line', async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    // An export leaves an audit row with a filters object in its details.
    expect((await page.request.get('/payments/export?status=FAILED&minAmount=100&provider=enkash')).status()).toBe(200);
    await page.goto('/audit?action=payments.export');
    const row = page.getByTestId('audit-row').first();
    const details = row.locator('td[data-label="Details"]');
    await expect(details).toContainText('filters');
    expect((await details.boundingBox())!.width).toBeGreaterThanOrEqual(250);
    expect((await row.boundingBox())!.height).toBeLessThan(160);
    // The target leads to the exported search.
    await expect(row.getByRole('link', { name: 'payments' })).toHaveAttribute('href', /^\/payments\?.*status=FAILED/);
  });

  test('6. /finance: a preset puts its days in From/To, Enter keeps them, and a full load logs no hydration error', async ({ page }) => {
    const errors = consoleErrors(page);
    await page.goto('/finance?from=2025-03-01&to=2025-03-31');
    await expect(page.getByRole('img', { name: /^Daily gross volume and success rate, Sat, 1 Mar 2025 to Mon, 31 Mar 2025/ })).toBeVisible();
    expect(errors, 'console errors on a full load (React #418 was one)').toEqual([]);
    const from = page.getByLabel('From (IST day)');
    const to = page.getByLabel('To (IST day, included)');
    const today = todayIst();
    for (const [preset, days] of [['7 days', 7], ['90 days', 90]] as const) {
      await page.getByRole('navigation', { name: 'Ranges' }).getByRole('link', { name: preset }).click();
      await page.waitForURL(new RegExp(`from=${daysBefore(today, days - 1)}&to=${today}`));
      await expect(from).toHaveValue(daysBefore(today, days - 1));
      await expect(to).toHaveValue(today);
    }
    await from.press('Enter');
    await page.waitForLoadState('networkidle');
    expect(page.url()).toContain(`from=${daysBefore(today, 89)}&to=${today}`);
    await expect(from).toHaveValue(daysBefore(today, 89));
    expect(errors).toEqual([]);
  });

  test('8. words: ranges, page sizes, statuses, modes and money read as people write them', async ({ page }) => {
    await page.goto('/finance?from=2025-03-10&to=2025-03-01');
    await expect(page.locator('main').getByRole('alert')).toHaveText(
      'The range in the address could not be shown: the start day (10 Mar 2025) is after the end day (1 Mar 2025). This is the last 30 days instead.',
    );

    await page.goto('/finance?from=2025-03-01&to=2025-03-31');
    const byMode = page.locator('section').filter({ hasText: 'By payment mode' });
    await expect(byMode.getByRole('link', { name: 'Pay later' })).toBeVisible();
    await expect(page.locator('main')).not.toContainText('PAY_LATER');
    await expect(page.locator('main')).not.toContainText('PENDING_WITH_BANK');

    await page.goto('/payments?limit=500');
    await expect(page.getByRole('status').filter({ hasText: 'page size' })).toHaveText('Ignored the page size “500”: must be a whole number from 1 to 200.');

    await page.goto('/payments?q=EKE2EPEND0003');
    await expect(results(page).getByText('Pending with bank', { exact: true })).toBeVisible();
    await page.getByLabel('Status', { exact: true }).click();
    await expect(page.getByRole('option', { name: 'Pending with bank' })).toBeVisible();
    await expect(page.getByRole('option', { name: 'Waiting for OTP (VBV)' })).toBeVisible();
    await expect(page.getByRole('option', { name: /PENDING/ })).toHaveCount(0);
    await page.keyboard.press('Escape');

    // The same two decimals in the list and on the payment page.
    await page.goto('/payments?q=EKE2EXSS0001');
    await expect(results(page).getByText('₹1,234.50')).toBeVisible();
    await results(page).getByRole('link', { name: 'EKE2EXSS0001' }).click();
    await expect(page.getByTestId('payment-amount')).toHaveText('₹1,234.50');
    await expect(page.locator('main')).not.toContainText('1,234.5000');

    // A placeholder name is not a name.
    await page.goto(`/payments/go?q=${LONG_ID}`);
    await expect(page.getByRole('region', { name: 'Payment summary' })).toContainText('No name given');
    await expect(page.getByRole('region', { name: 'Payment summary' }).getByText('NA', { exact: true })).toHaveCount(0);
  });

  test('8. search: ids in any case and by their beginning, two letters ask for a third, 1,00,000 is an amount', async ({ page }) => {
    for (const q of ['eke2exss0001', 'EKUXSS1'.toLowerCase(), 'ord-e2e-1', 'bankE2E1', 'eke2exss']) {
      await page.goto(`/payments?q=${q}`);
      await expect(results(page).getByRole('link', { name: 'EKE2EXSS0001' }), q).toBeVisible();
    }
    await page.goto('/payments?q=ab');
    await expect(page.getByTestId('name-hint')).toHaveText('No payment has the id “ab”. To search by cardholder name, type at least 3 letters.');

    await page.goto('/payments');
    const from = page.getByLabel('Amount from (₹)');
    await from.fill('1,00,000');
    await from.press('Enter');
    await page.waitForURL(/minAmount=1%2C00%2C000/);
    await expect(page.getByRole('list', { name: 'Filters in use' })).toContainText('Amount ≥ ₹1,00,000.00');
    await expect(results(page).getByRole('link', { name: LONG_ID })).toBeVisible();
    await expect(page.getByText(/Ignored the minimum amount/)).toHaveCount(0);
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageState('admin') });

  test('4. /admin/users: after a role change the select shows the new role, as the message says', async ({ page }) => {
    const email = `role-shown-${Date.now()}@e2e.payops.test`;
    await page.goto('/admin/users');
    const add = page.getByRole('form', { name: 'Add a user' });
    await add.getByLabel('Email').fill(email);
    await add.getByRole('button', { name: 'Add user' }).click();
    await expect(roleShown(page, email)).toHaveText('Support');
    await choose(page, `Role of ${email}`, 'Finance');
    const row = page.getByRole('row').filter({ hasText: email });
    await row.getByRole('button', { name: 'Change' }).click();
    await expect(row.getByRole('status')).toHaveText('Now finance.');
    await expect(roleShown(page, email)).toHaveText('Finance');
    await page.reload();
    await expect(roleShown(page, email)).toHaveText('Finance');
  });
});

test.describe('support agent', () => {
  test.use({ storageState: storageState('support') });

  test('5. OTP console: "Other" without a note keeps the reason; the wallet form names the payment\'s own card and keeps the reason', async ({ page, request }) => {
    // An Enkash payment by wallet, still open, made just now; the checkout names its wallet card
    // with its first OTP call (PayOps never takes a card from the console): both OTP forms are offered.
    const transactionId = `EKE2EWALLET${Date.now()}`;
    const now = new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    const posted = await request.post(NOTIFY_PATH, {
      data: exampleWith({ transactionId, status: 'PENDING_WITH_BANK', paymentMode: 'WALLET', maskedCardNumber: null, txnDate: now }),
      headers: { 'content-type': 'application/json' },
    });
    expect(posted.status()).toBe(200);
    const named = await request.post('/api/v1/otp/resend', {
      headers: { authorization: `Bearer ${E2E.apiToken}` },
      data: { provider: 'enkash', transactionId, cardAccountId: 'CA-E2E-123', enKashCardId: 'EC-E2E-456', reason: 'checkout' },
    });
    expect(named.status()).toBe(200);
    await page.goto(`/payments/go?q=${transactionId}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(transactionId);

    const resend = page.getByRole('form', { name: 'Resend OTP' });
    await choose(resend, 'Reason', 'Other');
    await resend.getByRole('button', { name: 'Resend OTP' }).click();
    await expect(resend.getByText('describe the reason')).toBeVisible();
    await expect(resend.getByLabel('Reason', { exact: true })).toHaveText('Other');

    const wallet = page.getByRole('form', { name: 'Send wallet transaction OTP' });
    await expect(wallet.getByTestId('otp-wallet-card')).toHaveText("To this payment's Enkash Wallet card: card account …-123, Enkash card …-456.");
    await expect(wallet.getByRole('textbox')).toHaveCount(1); // the note; no card id to type
    await choose(wallet, 'Reason', 'Customer did not receive the OTP');
    await wallet.getByRole('button', { name: 'Send wallet transaction OTP' }).click();
    await expect(wallet.getByTestId('otp-outcome')).toBeVisible();
    await expect(wallet.getByLabel('Reason', { exact: true })).toHaveText('Customer did not receive the OTP');
  });

  test('5/8. a payment not waiting for an OTP says so in one plain sentence', async ({ page }) => {
    await page.goto('/payments/go?q=EKE2ENAME0002');
    const waiting = page.getByRole('region', { name: 'OTP' }).getByTestId('otp-unavailable');
    await expect(waiting).toContainText('This payment is not waiting for an OTP: it is Success. OTPs are sent only while a payment is still open');
    await expect(waiting).not.toContainText('non-final');
  });

  test('7. at 390 px the header wraps, Sign out is reachable and each payment shows its amount and status', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/payments');
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    const account = page.getByRole('button', { name: /Account: support@e2e\.payops\.test/ });
    await expect(account).toBeInViewport();
    await account.click();
    await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeInViewport();
    await page.keyboard.press('Escape');
    const first = page.getByTestId('payment-row').first();
    await expect(first.getByText(/^₹/)).toBeInViewport({ ratio: 1 });
    await expect(first.locator('td').nth(5)).toBeInViewport({ ratio: 1 });
  });

  test('8. an export link opened by support is a page in words, not raw JSON', async ({ page }) => {
    const res = await page.goto('/payments/export?status=FAILED');
    expect(res?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your role cannot export payments');
    await expect(page.getByRole('link', { name: 'See these payments' })).toHaveAttribute('href', '/payments?status=FAILED');
    await expect(page.locator('body')).not.toContainText('"error"');
  });
});

test('9. public/ serves the icons, the manifest, and robots.txt disallowing everything', async ({ request, page }) => {
  const robots = await request.get('/robots.txt');
  expect(robots.status()).toBe(200);
  expect(await robots.text()).toMatch(/User-agent: \*\s+Disallow: \/\s*$/);
  for (const [path, type] of [
    ['/favicon.ico', 'image/'],
    ['/icon.svg', 'image/svg'],
    ['/icon-192.png', 'image/png'],
    ['/icon-512.png', 'image/png'],
    ['/apple-touch-icon.png', 'image/png'],
    ['/manifest.webmanifest', 'manifest+json'],
  ]) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()['content-type'], path).toContain(type);
  }
  await page.goto('/login');
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute('href', /favicon\.ico|icon\.svg/);
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', /noindex/);
});
