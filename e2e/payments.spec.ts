import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { changeRole, roleShown, storageState } from './fixtures';

const XSS = '<img src=x onerror=alert(1)>';

async function search(page: Page, q: string) {
  await page.goto(`/payments?q=${encodeURIComponent(q)}`);
  return page.getByRole('region', { name: 'Payments found' });
}

test.describe('support agent', () => {
  test.use({ storageState: storageState('support') });

  test('finds a payment by each kind of term', async ({ page }) => {
    const terms: [string, string][] = [
      ['EKE2EXSS0001', 'transaction id'],
      ['EKUXSS1', 'unique transaction id'],
      ['ORD-E2E-1', 'order id'],
      ['BANKE2E1', 'bank transaction id'],
      ['4242', 'card last four'],
    ];
    for (const [q] of terms) {
      const results = await search(page, q);
      await expect(results.getByRole('link', { name: 'EKE2EXSS0001' }), q).toBeVisible();
    }
    const byName = await search(page, 'Subramanian');
    await expect(byName.getByRole('link', { name: 'EKE2ENAME0002' })).toBeVisible();
    await expect(byName.getByRole('link', { name: 'EKE2EXSS0001' })).toHaveCount(0);
  });

  test('opens a payment: a hostile cardholder name is text, the card is masked, no raw payload', async ({ page }, testInfo) => {
    page.on('dialog', () => {
      throw new Error('a script ran from the cardholder name');
    });
    const results = await search(page, 'EKE2EXSS0001');
    await expect(results.getByText(XSS)).toBeVisible();
    await results.getByRole('link', { name: 'EKE2EXSS0001' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('EKE2EXSS0001');
    // Shown as text in the summary and in the card section alike.
    await expect(page.getByText(XSS)).toHaveCount(2);
    await expect(page.getByRole('region', { name: 'Payment summary' }).getByText(XSS)).toBeVisible();
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await expect(page.getByText('•••• 4242').first()).toBeVisible();
    await expect(page.getByRole('region', { name: /raw/i })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath('payment-support.png'), fullPage: true });
  });

  test('hostile search text gets an answer, never an error page', async ({ page }) => {
    for (const q of ["' OR 1=1 --", '%_\\', 'x'.repeat(10_000), 'a\u0000b']) {
      const res = await page.goto(`/payments?q=${encodeURIComponent(q)}`);
      expect(res?.status(), q.slice(0, 20)).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payments');
    }
    const bad = await page.goto('/payments?cursor=garbage&status=%3Cb%3E');
    expect(bad?.status()).toBe(200);
    await expect(page.getByRole('region', { name: 'Payments found' })).toBeVisible();
  });
});

test.describe('finance', () => {
  test.use({ storageState: storageState('finance') });

  test('sees the redacted raw payload and the exact amounts', async ({ page }, testInfo) => {
    const results = await search(page, 'EKE2EXSS0001');
    await results.getByRole('link', { name: 'EKE2EXSS0001' }).click();
    const raw = page.getByRole('region', { name: /raw/i });
    await expect(raw).toBeVisible();
    await expect(raw).toContainText('[redacted]');
    await expect(raw).not.toContainText('9ceac38e65db443d5f48');
    await expect(page.getByText('1,234.50').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('payment-finance.png'), fullPage: true });
  });

  test('exports the search as CSV: every row, exact amounts, formulas neutralised, IST times', async ({ page }) => {
    await page.goto('/payments?q=EKE2EFORMULA4');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header.toLowerCase()).toContain('transaction');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('EKE2EFORMULA4');
    expect(rows[0]).toContain('10.0000');
    expect(rows[0]).toContain('2025-03-10 10:00:00 +05:30');
    // The name starts with "=": a spreadsheet must read it as text, not a formula.
    expect(rows[0]).toMatch(/'=HYPERLINK/);
    expect(rows[0]).not.toMatch(/(^|,)"?=HYPERLINK/);
  });

  test('finance totals and chart render', async ({ page }, testInfo) => {
    const res = await page.goto('/finance?from=2025-03-01&to=2025-03-31');
    expect(res?.status()).toBe(200);
    await expect(page.locator('svg').first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('finance.png'), fullPage: true });
  });
});

test.describe('admin', () => {
  test.use({ storageState: storageState('admin') });

  test('main pages render (screenshots kept)', async ({ page }, testInfo) => {
    for (const path of ['/payments', '/deliveries', '/audit', '/admin/users']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      await page.screenshot({ path: testInfo.outputPath(`${path.slice(1).replaceAll('/', '-')}.png`), fullPage: true });
    }
    await page.goto('/audit');
    await expect(page.getByText(/Chain intact/)).toBeVisible();
  });
});

test('a server action replayed by a role without the permission changes nothing', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const adminPage = await admin.newPage();
  const victim = `victim-${Date.now()}@e2e.payops.test`;

  // The admin adds a user, then changes its role; the role change request is captured.
  await adminPage.goto('/admin/users');
  const add = adminPage.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(victim);
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(adminPage.getByLabel(`Role of ${victim}`)).toBeVisible();
  const request = await changeRole(adminPage, victim, 'finance');
  await adminPage.reload();
  await expect(roleShown(adminPage, victim)).toHaveText('Finance');
  // …and sets it back, so the replay below would be a visible change.
  await changeRole(adminPage, victim, 'support');
  await adminPage.reload();
  await expect(roleShown(adminPage, victim)).toHaveText('Support');

  for (const role of ['finance', 'support'] as const) {
    const other = await browser.newContext({ storageState: storageState(role) });
    const res = await other.request.post(request.url(), {
      headers: { 'next-action': request.headers()['next-action'], 'content-type': request.headers()['content-type'], accept: 'text/x-component' },
      data: request.postDataBuffer() ?? undefined,
    });
    expect(res.status()).toBeLessThan(500);
    await other.close();
  }
  await adminPage.reload();
  await expect(roleShown(adminPage, victim)).toHaveText('Support');

  // Control: the same replay from the admin's own session does change the role, so the
  // refusals above were the permission check, not a malformed request.
  await admin.request.post(request.url(), {
    headers: { 'next-action': request.headers()['next-action'], 'content-type': request.headers()['content-type'], accept: 'text/x-component' },
    data: request.postDataBuffer() ?? undefined,
  });
  await adminPage.reload();
  await expect(roleShown(adminPage, victim)).toHaveText('Finance');
  await admin.close();
});
