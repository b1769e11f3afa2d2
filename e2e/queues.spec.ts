import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { basicAuth, juspayEvent } from '../test/juspay';
import { E2E } from '../playwright.config';
import { choose, consoleErrors, exampleWith, NOTIFY_PATH, overflowX, seriousAxeViolations, storageState } from './fixtures';

// Issue 10: the work queues, per role. Support works Waiting for OTP end to end, finance resolves a
// status conflict with a note, admin lands on the queues with the operations summary.
test.setTimeout(120_000);

const juspayAuth = basicAuth(E2E.juspayWebhookUser, E2E.juspayWebhookPassword);

/** A Juspay card payment waiting for its OTP, begun now, through the real webhook. */
async function postJuspay(request: APIRequestContext, txn: string, status: string, event: string) {
  const now = new Date().toISOString();
  const res = await request.post('/api/webhooks/juspay', {
    headers: { authorization: juspayAuth, 'content-type': 'application/json' },
    data: juspayEvent({ id: `evt_V2_${txn}_${status}`, event, txn, status, order: { date_created: now }, txnDetail: { created: now } }),
  });
  expect(res.status()).toBe(200);
}

async function pagesPass(page: Page, path: string) {
  await page.goto(path);
  expect(await seriousAxeViolations(page), `${path} light`).toEqual([]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  expect(await seriousAxeViolations(page), `${path} dark`).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await overflowX(page), `${path} at 390 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('support lands on Waiting for OTP, opens the newest payment, resends, and sees it leave when Juspay says CHARGED', async ({ browser, request }) => {
  const txn = `DOTPE2E${Date.now()}`;
  await postJuspay(request, txn, 'PENDING_VBV', 'TXN_CREATED');
  const support = await browser.newContext({ storageState: storageState('support'), viewport: { width: 1440, height: 900 } });
  const page = await support.newPage();
  const errors = consoleErrors(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/queues\/waiting-otp$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Waiting for OTP');
  await expect(page.getByTestId('badge-waitingOtp')).toBeVisible();
  const rows = page.locator('[data-queue-row]');
  const row = rows.filter({ hasText: `payopsdemo-${txn}-1` });
  await expect(row).toHaveCount(1);
  // Newest first: it is at the top; j focuses it, Enter opens it.
  await expect(rows.first()).toContainText(`payopsdemo-${txn}-1`);
  await expect(row).toContainText('0 / 3');
  await page.keyboard.press('j');
  await expect(row.getByRole('link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`payopsdemo-${txn}-1`);
  const form = page.getByRole('form', { name: 'Resend OTP' });
  await choose(form, 'Reason', 'Customer did not receive the OTP');
  await form.getByRole('button', { name: 'Resend OTP' }).click();
  await expect(page.getByTestId('otp-outcome')).toHaveText(/^Sent/);

  // Another agent opening it now is told who is on it, on the payment and in the queue.
  const other = await browser.newContext({ storageState: storageState('admin') });
  const otherPage = await other.newPage();
  await otherPage.goto('/queues/waiting-otp');
  await expect(otherPage.locator('[data-queue-row]').filter({ hasText: `payopsdemo-${txn}-1` }).getByTestId('claimed-by')).toHaveText(/is on this/);
  await other.close();

  await page.goto('/queues/waiting-otp');
  await expect(row).toContainText(/1 \/ 3/);
  await expect(row).toContainText(/sent/);
  await page.mouse.move(10, 10);
  await postJuspay(request, txn, 'CHARGED', 'ORDER_SUCCEEDED');
  // Live: the row leaves without a reload.
  await page.mouse.move(20, 20);
  await expect(row).toHaveCount(0, { timeout: 10_000 });
  expect(errors).toEqual([]);
  await support.close();
});

test('finance resolves a status conflict with a note; it stops counting and the note is on the payment and in the audit log', async ({ browser, request }) => {
  const txn = `EKCONFLICT${Date.now()}`;
  for (const status of ['SUCCESS', 'FAILED']) {
    const res = await request.post(NOTIFY_PATH, { data: exampleWith({ transactionId: txn, status }), headers: { 'content-type': 'application/json' } });
    expect(res.status()).toBe(200);
  }
  const finance = await browser.newContext({ storageState: storageState('finance'), viewport: { width: 1440, height: 900 } });
  const page = await finance.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/finance/);
  await page.goto(`/payments?q=${txn}&review=open`);
  await expect(page.getByRole('region', { name: 'Payments found' }).getByRole('link', { name: txn })).toBeVisible();
  await page.goto('/queues/review?view=open&kind=status_conflict');
  const before = Number(await page.getByTestId('badge-review').innerText());
  await page.locator('[data-queue-row]').filter({ hasText: txn }).getByRole('link', { name: txn }).click();
  const kase = page.getByTestId('case').filter({ hasText: 'Status conflict' });
  await expect(kase).toHaveAttribute('data-case-state', 'open');
  await kase.getByRole('button', { name: 'Take it' }).click();
  // Taken: the page re-reads, and the case offers "Hand back" instead.
  await expect(kase).toHaveAttribute('data-case-state', 'assigned');
  await expect(kase.getByRole('button', { name: 'Hand back' })).toBeVisible();
  await choose(kase, 'Resolution', 'Confirmed with the provider');
  const note = `Enkash confirms FAILED; customer card 4111 1111 1111 1111 was not charged (${txn})`;
  await kase.getByLabel(/^Note/).fill(note);
  await kase.getByRole('button', { name: 'Resolve' }).click();
  await expect(kase).toHaveAttribute('data-case-state', 'resolved');
  await expect(kase.getByTestId('case-resolution')).toContainText('Confirmed with the provider');
  await expect(kase.getByTestId('case-resolution')).toContainText('card XXXX1111 was not charged');
  await expect(kase.getByTestId('case-resolution')).not.toContainText('4111 1111 1111 1111');
  // It no longer counts as needing review: the queue, the badge, the list's flag (the documented
  // example may carry other flags, whose cases stay open).
  await page.goto('/queues/review?view=open&kind=status_conflict');
  await expect(page.locator('[data-queue-row]').filter({ hasText: txn })).toHaveCount(0);
  await page.goto(`/payments?q=${txn}`);
  await expect(page.getByRole('region', { name: 'Payments found' }).locator('[data-case-state="resolved"]', { hasText: 'status conflict' }).first()).toBeVisible();
  await page.goto('/queues/review?view=resolved');
  expect(Number(await page.getByTestId('badge-review').innerText())).toBe(before - 1);
  await expect(page.locator('[data-queue-row]').filter({ hasText: txn })).toHaveCount(1);
  await page.goto('/audit?action=cases.resolved');
  await expect(page.getByTestId('audit-row').filter({ hasText: txn }).first()).toBeVisible();
  await finance.close();
});

test('support may not resolve a money case; admin lands on the queues with the operations summary', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const page = await admin.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/queues$/);
  await expect(page.getByRole('region', { name: 'Operations' })).toContainText('Open alerts');
  await admin.close();
  const support = await browser.newContext({ storageState: storageState('support') });
  const s = await support.newPage();
  await s.goto('/queues/review?view=open&kind=status_conflict');
  const first = s.locator('[data-queue-row]').first();
  if ((await first.count()) > 0) {
    await first.getByRole('link').first().click();
    const kase = s.getByTestId('case').filter({ hasText: 'Status conflict' }).first();
    await expect(kase).toContainText('Finance resolves this kind of case');
    await expect(kase.getByRole('button', { name: 'Resolve' })).toHaveCount(0);
  }
  await support.close();
});

for (const role of ['support', 'finance'] as const) {
  test(`the queue pages pass axe for ${role}, at 1440 and 390 px, light and dark`, async ({ browser }) => {
    const context = await browser.newContext({ storageState: storageState(role), viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const paths = role === 'support' ? ['/queues', '/queues/waiting-otp', '/queues/review', '/queues/stuck'] : ['/queues', '/queues/review?view=resolved', '/queues/stuck'];
    for (const path of paths) await pagesPass(page, path);
    await context.close();
  });
}
