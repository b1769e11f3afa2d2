import { expect, test, type Page } from '@playwright/test';
import { choose, storageState } from './fixtures';

// What a daily user of a payments dashboard reaches for without thinking (issue 13): one search
// box, a command palette, copy buttons, relative times, sorting, chips, saved views, dark mode.

const results = (page: Page) => page.getByRole('region', { name: 'Payments found' });

test.describe('support agent', () => {
  test.use({ storageState: storageState('support') });

  test('the command palette opens a payment from a pasted id in any case, from any page, and jumps to pages', async ({ page }) => {
    await page.goto('/payments', { waitUntil: 'networkidle' });
    const palette = page.getByRole('dialog', { name: 'Search or jump to' });
    // The shortcut listens once the page's script has run; on a busy machine that trails the load.
    await expect(async () => {
      if (!(await palette.isVisible())) await page.keyboard.press('Control+k');
      await expect(palette).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await palette.getByRole('combobox').fill('eke2exss0001');
    await palette.getByRole('option', { name: /Open the payment eke2exss0001/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('EKE2EXSS0001');

    // "/" from a page with no search box of its own.
    await expect(async () => {
      if (!(await palette.isVisible())) await page.keyboard.press('/');
      await expect(palette).toBeVisible({ timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    await palette.getByRole('combobox').fill('ord-e2e-1');
    await palette.getByRole('option', { name: /Open the payment ord-e2e-1/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('EKE2EXSS0001');

    await page.keyboard.press('Control+k');
    await expect(palette).toBeVisible();
    await palette.getByRole('combobox').fill('payments');
    await palette.getByRole('option', { name: 'Payments', exact: true }).click();
    await expect(page).toHaveURL(/\/payments$/);
  });

  test('one search box: filters typed as words become chips, removable one by one, and empty ones stay out of the URL', async ({ page }) => {
    await page.goto('/payments');
    const box = page.getByRole('searchbox', { name: 'Search payments' });
    await box.fill('status:failed mode:pay_later >1000');
    await box.press('Enter');
    await page.waitForURL(/status=FAILED/);
    const url = new URL(page.url());
    expect([...url.searchParams.keys()].sort()).toEqual(['minAmount', 'paymentMode', 'status']);
    expect(url.search).not.toMatch(/=(&|$)/);
    const chips = page.getByRole('list', { name: 'Filters in use' });
    await expect(chips.getByRole('link')).toHaveText([/Status: Failed/, /Mode: Pay later/, /Amount ≥ ₹1,000.00/, /Clear all/]);
    await expect(box).toHaveValue('');
    await chips.getByRole('link', { name: /Mode: Pay later/ }).click();
    await page.waitForURL((u) => !u.searchParams.has('paymentMode'));
    await expect(page.getByLabel('Payment mode', { exact: true })).toHaveText('Any mode');
    await expect(page.getByLabel('Status', { exact: true })).toHaveText('Failed');
  });

  test('rows open their payment, ids copy, times are relative with the exact IST time on hover', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/payments?q=EKE2EXSS0001');
    const row = results(page).getByTestId('payment-row').first();
    await expect(row.locator('time')).toContainText('10 Mar 2025');
    // A hover that lands before the page is interactive opens nothing: move away and hover again.
    await expect(async () => {
      await page.mouse.move(0, 0);
      await row.locator('time').hover();
      await expect(page.getByRole('tooltip')).toContainText('10 Mar 2025, 10:00:00 IST', { timeout: 2000 });
    }).toPass({ timeout: 15_000 });
    await row.getByRole('button', { name: /Copy transaction id EKE2EXSS0001/ }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('EKE2EXSS0001');
    await expect(page).toHaveURL(/q=EKE2EXSS0001/); // copying did not open the row
    await row.getByText('Credit card').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('EKE2EXSS0001');
    await expect(page).toHaveTitle(/^EKE2EXSS0001 · /);
  });

  test('sort by amount from the column header; "1–N of N"; a date preset applies at once', async ({ page }) => {
    await page.goto('/payments?status=SUCCESS');
    await expect(page.getByTestId('result-count')).toHaveText(/^1–\d+ of \d+ payments?$/);
    await results(page).getByRole('link', { name: /^Amount/ }).click();
    await page.waitForURL(/sort=amount_desc/);
    // The sorted list has rendered once the header says so; read the rows only then.
    await expect(results(page).getByRole('columnheader', { name: /Amount/ })).toHaveAttribute('aria-sort', 'descending');
    await expect(results(page).getByTestId('payment-row').nth(1)).toBeVisible();
    const amounts = await results(page).getByTestId('payment-row').locator('td:nth-child(5)').allInnerTexts();
    const values = amounts.map((a) => Number(a.replace(/[₹,]/g, '')));
    expect(values.length).toBeGreaterThan(1);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    await expect(results(page).getByRole('columnheader', { name: /Amount/ })).toHaveAttribute('aria-sort', 'descending');

    await page.getByRole('group', { name: 'Date presets' }).getByRole('button', { name: 'Today' }).click();
    await page.waitForURL(/from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}/);
    const u = new URL(page.url());
    expect(u.searchParams.get('from')).toBe(u.searchParams.get('to'));
    await expect(page.getByRole('group', { name: 'Date presets' }).getByRole('button', { name: 'Today' })).toHaveAttribute('aria-pressed', 'true');
  });

  test('dark mode follows the toggle and stays after a reload; the skip link reaches the content', async ({ page }) => {
    await page.goto('/payments');
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();

    await page.getByRole('button', { name: /support@e2e\.payops\.test/ }).click();
    await page.getByRole('menuitemradio', { name: 'Dark' }).click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await page.reload();
    await expect(page.locator('html')).toHaveClass(/dark/);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme)).toBe('dark');
    await page.getByRole('button', { name: /support@e2e\.payops\.test/ }).click();
    await page.getByRole('menuitemradio', { name: 'Same as the system' }).click();
    await expect(page.locator('html')).not.toHaveClass(/dark/);
  });
});

test('saved views: one person saves and shares a view (audited) and pins it; a colleague sees, opens and pins it', async ({ browser }) => {
  const finance = await browser.newContext({ storageState: storageState('finance') });
  const page = await finance.newPage();
  const name = `Failed pay later ${Date.now()}`;
  await page.goto('/payments?status=FAILED&paymentMode=PAY_LATER');
  await page.getByRole('button', { name: 'Save view' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save this view' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel(/Share with the team/).check();
  await dialog.getByRole('button', { name: 'Save view' }).click();
  await expect(page.getByTestId('views-status')).toHaveText(`Saved “${name}”, shared with the team, pinned to the navigation.`);
  const pinned = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  await expect(pinned).toHaveAttribute('href', '/payments?status=FAILED&paymentMode=PAY_LATER');
  await expect(pinned).toHaveAttribute('aria-current', 'page');
  await page.goto('/audit?action=views.share');
  await expect(page.getByTestId('audit-row').first()).toContainText(name);

  const support = await browser.newContext({ storageState: storageState('support') });
  const other = await support.newPage();
  await other.goto('/payments');
  await other.getByRole('button', { name: /^Views/ }).click();
  await other.getByRole('menuitem', { name: new RegExp(name) }).click();
  // Keyboard on the submenu's items: a pointer crossing the menu's edge may close a submenu on the way.
  await other.getByRole('menuitem', { name: 'Pin to the navigation' }).press('Enter');
  await expect(other.getByTestId('views-status')).toHaveText(`“${name}” is pinned to the navigation.`);
  await other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();
  await other.waitForURL(/status=FAILED&paymentMode=PAY_LATER/);
  await expect(other.getByLabel('Payment mode', { exact: true })).toHaveText('Pay later');

  // Deleted by its owner: it leaves everyone's navigation (and the other specs see the plain nav).
  await page.goto('/payments');
  await page.getByRole('button', { name: /^Views/ }).click();
  await page.getByRole('menuitem', { name: new RegExp(name) }).click();
  page.once('dialog', (d) => d.accept());
  await page.getByRole('menuitem', { name: 'Delete' }).press('Enter');
  await expect(page.getByTestId('views-status')).toHaveText(`Deleted “${name}”.`);
  await other.reload();
  await expect(other.getByRole('navigation', { name: 'Main' }).getByRole('link', { name })).toHaveCount(0);
  await finance.close();
  await support.close();
});

test.describe('admin', () => {
  test.use({ storageState: storageState('admin') });

  test('audit: actor by fragment, targets linked; deliveries by transaction id in any case and by outcome', async ({ page }) => {
    await page.goto('/audit?actor=FINANCE%40e2e');
    const rows = page.getByTestId('audit-row');
    await expect(rows.first()).toContainText('finance@e2e.payops.test');
    expect(await rows.filter({ hasNotText: 'finance@e2e.payops.test' }).count()).toBe(0);

    await page.goto('/deliveries');
    const find = page.getByRole('search', { name: 'Find deliveries' });
    await find.getByRole('searchbox').fill('eke2exss0001');
    await find.getByRole('button', { name: 'Find' }).click();
    await page.waitForURL(/q=eke2exss0001/);
    const deliveries = page.getByTestId('delivery-row');
    await expect(deliveries.first()).toContainText('EKE2EXSS0001');
    await page.getByRole('navigation', { name: 'Filter by outcome' }).getByRole('link', { name: 'Accepted' }).click();
    await page.waitForURL(/outcome=accepted&q=eke2exss0001/);
    await expect(deliveries).toHaveCount(1);
    await deliveries.getByRole('link', { name: 'EKE2EXSS0001' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('EKE2EXSS0001');
  });

  test('finance: the previous period is compared, and a day row and a mode row open their payments', async ({ page }) => {
    await page.goto('/finance?from=2025-03-10&to=2025-03-10');
    await expect(page.getByLabel('Totals of the range')).toContainText('in 9 Mar');
    await page.locator('section').filter({ hasText: 'By day (IST)' }).getByRole('link', { name: 'Mon, 10 Mar 2025' }).click();
    await page.waitForURL(/\/payments\?from=2025-03-10&to=2025-03-10/);
    await expect(results(page).getByRole('link', { name: 'EKE2EXSS0001' })).toBeVisible();
    await page.goto('/finance?from=2025-03-10&to=2025-03-10');
    await page.locator('section').filter({ hasText: 'By payment mode' }).getByRole('link', { name: 'Debit card' }).click();
    await page.waitForURL(/paymentMode=DEBIT_CARD/);
    await expect(results(page).getByRole('link', { name: 'EKE2ENAME0002' })).toBeVisible();
    // A long range folds its empty days into one line.
    await page.goto('/finance?from=2025-01-01&to=2025-03-31');
    await expect(page.getByText('Wed, 1 Jan 2025 – Sun, 9 Mar 2025 (68 days)')).toBeVisible();
  });
});

test('filters still read from a pasted URL, case-insensitively, into the selects', async ({ browser }) => {
  const context = await browser.newContext({ storageState: storageState('finance') });
  const page = await context.newPage();
  await page.goto('/payments?status=pending_with_bank&provider=Enkash');
  await expect(page.getByLabel('Status', { exact: true })).toHaveText('Pending with bank');
  await choose(page, 'Provider', 'Any provider');
  await page.waitForURL((u) => !u.searchParams.has('provider'));
  expect(new URL(page.url()).searchParams.get('status')).toBe('PENDING_WITH_BANK');
  await context.close();
});
