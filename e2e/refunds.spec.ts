import { expect, test, type Browser, type Page } from '@playwright/test';
import { account, e2eQuery, exampleWith, NOTIFY_PATH, SANDBOX, seriousAxeViolations, storageState } from './fixtures';
import { nextCode } from './totp';

// Refunds with a second pair of eyes (issue 12): finance asks for ₹200 of a ₹1,499.50 payment;
// finance cannot approve its own request and support sees no refund button; an admin approves with
// a fresh code from the authenticator app; the simulator refunds it and the payment shows
// ₹1,299.50 still refundable and the bank's reference; asking for ₹1,300 more is refused.

async function successfulPayment(request: Page['request'], id: string, amount: string): Promise<number> {
  const body = JSON.parse(exampleWith({ transactionId: id, status: 'SUCCESS', paymentMode: 'CREDIT_CARD', amount, finalAmount: amount, surcharge: '0.0000', surchargeGst: '0.0000', paymentToken: null }));
  // The simulator first: it refunds only payments it knows to be successful.
  expect((await request.post(`${SANDBOX}/__sandbox/payments`, { data: { provider: 'enkash', id, status: 'SUCCESS', amount, payload: body } })).status()).toBe(200);
  expect((await request.post(NOTIFY_PATH, { data: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status()).toBe(200);
  const [row] = await e2eQuery<{ id: string }>('SELECT id FROM transactions WHERE transaction_id = $1', [id]);
  return Number(row.id);
}

/** The admin in a browser of its own (password, then a code): its step-up can be aged without touching the shared session. */
async function adminOwnSession(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const { email, password } = account('admin');
  await page.goto('/login?next=/refunds');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/login/two-factor**');
  await page.getByLabel('Authenticator code or recovery code').fill(await nextCode('admin'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/refunds');
  // Its last code check, aged past the step-up window: approving must ask for a fresh one.
  await e2eQuery(
    `UPDATE staff_sessions SET step_up_at = now() - interval '2 hours'
      WHERE id_hash = (SELECT s.id_hash FROM staff_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 ORDER BY s.created_at DESC LIMIT 1)`,
    [email],
  );
  return page;
}

test('finance asks, an admin approves with a code, the simulator refunds it, and the payment shows what is left', async ({ browser, request }, testInfo) => {
  testInfo.setTimeout(120_000);
  const transactionId = `EKE2EREFUND${Date.now()}`;
  const paymentId = await successfulPayment(request, transactionId, '1499.50');

  // Finance asks for ₹200 back.
  const finance = await (await browser.newContext({ storageState: storageState('finance') })).newPage();
  await finance.goto(`/payments/${paymentId}`);
  const refunds = finance.getByRole('region', { name: 'Refunds' });
  await expect(refunds.getByTestId('refundable')).toHaveText('₹1,499.50');
  const form = refunds.getByRole('form', { name: 'Request a refund' });
  await form.getByLabel('Amount (₹)').fill('200');
  await form.getByLabel(/Reason/).fill('Customer returned one item');
  await form.getByRole('button', { name: 'Request refund' }).click();
  await expect(form.getByTestId('refund-answer')).toContainText('waiting for someone else to approve it');
  const item = refunds.getByTestId('refund').first();
  await expect(item.getByTestId('refund-state')).toHaveText('Awaiting approval');
  // The requester never approves their own: no button, and the page says who does.
  await expect(item.getByRole('button', { name: 'Approve refund' })).toHaveCount(0);
  await expect(item).toContainText('someone else approves it');
  await finance.screenshot({ path: testInfo.outputPath('refund-requested-1440.png'), fullPage: true });

  // Support sees the refund, and no way to ask for or approve one.
  const support = await (await browser.newContext({ storageState: storageState('support') })).newPage();
  await support.goto(`/payments/${paymentId}`);
  await expect(support.getByRole('region', { name: 'Refunds' }).getByTestId('refund-state')).toHaveText('Awaiting approval');
  await expect(support.getByRole('button', { name: /Request refund|Approve refund/ })).toHaveCount(0);

  // An admin approves: first a fresh code, then the approval.
  const admin = await adminOwnSession(browser);
  const row = admin.getByTestId('refund-row').filter({ hasText: transactionId });
  await expect(row).toContainText('₹200.00');
  await row.getByRole('link', { name: transactionId }).click();
  const adminItem = admin.getByRole('region', { name: 'Refunds' }).getByTestId('refund').first();
  await adminItem.getByRole('button', { name: 'Approve refund' }).click();
  await expect(adminItem.getByTestId('refund-answer')).toContainText('Confirm it is you');
  await adminItem.getByRole('link', { name: 'Confirm it is you' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toHaveText('Confirm it is you');
  await admin.getByLabel('Authenticator code or recovery code').fill(await nextCode('admin'));
  await admin.getByRole('button', { name: 'Confirm' }).click();
  await admin.waitForURL(`**/payments/${paymentId}**`);
  const again = admin.getByRole('region', { name: 'Refunds' }).getByTestId('refund').first();
  await again.getByRole('button', { name: 'Approve refund' }).click();
  // Approved: the request leaves "awaiting approval" (its buttons go with it) and is on its way.
  await expect(again.getByTestId('refund-state')).not.toHaveText('Awaiting approval');
  await expect(again).toContainText(/Approved by/);

  // The job sends it; the simulator answers pending, then succeeded; the page follows live.
  await expect(async () => {
    await finance.reload();
    await expect(finance.getByRole('region', { name: 'Refunds' }).getByTestId('refund-state').first()).toHaveText('Succeeded', { timeout: 2000 });
  }).toPass({ timeout: 45_000 });
  const done = finance.getByRole('region', { name: 'Refunds' });
  await expect(done.getByTestId('refundable')).toHaveText('₹1,299.50');
  await expect(done.getByTestId('refund-arn')).toHaveText(/\d{6,}/);
  await done.getByText(/Its life/).click();
  await expect(done.getByTestId('refund-timeline')).toContainText('Provider: succeeded');
  await finance.screenshot({ path: testInfo.outputPath('refund-succeeded-1440.png'), fullPage: true });

  // ₹1,300 more is more than is left: refused, nothing asked.
  const more = done.getByRole('form', { name: 'Request a refund' });
  await more.getByLabel('Amount (₹)').fill('1300');
  await more.getByLabel(/Reason/).fill('Try to refund too much');
  await more.getByRole('button', { name: 'Request refund' }).click();
  await expect(more.getByTestId('refund-answer')).toContainText('At most ₹1,299.50');
  await expect(done.getByTestId('refund')).toHaveCount(1);
  await admin.context().close();
  await support.context().close();
  await finance.context().close();
});

test('the refunds page passes axe for finance, at 1440 and 390 px, light and dark', async ({ browser }, testInfo) => {
  const context = await browser.newContext({ storageState: storageState('finance') });
  const page = await context.newPage();
  for (const width of [1440, 390]) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      for (const tab of ['awaiting', 'done']) {
        await page.goto(`/refunds?tab=${tab}`);
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('Refunds');
        expect(await seriousAxeViolations(page), `${tab} ${width} ${scheme}`).toEqual([]);
      }
      await page.screenshot({ path: testInfo.outputPath(`refunds-${width}-${scheme}.png`), fullPage: true });
    }
  }
  await context.close();
});

test('finance uploads a CSV of refunds, every row gets a verdict first, an admin approves the batch, and the result can be downloaded', async ({ browser, request }, testInfo) => {
  testInfo.setTimeout(120_000);
  const stamp = Date.now();
  const ids = [`EKE2EBULKA${stamp}`, `EKE2EBULKB${stamp}`];
  for (const id of ids) await successfulPayment(request, id, '500.00');
  const csv = [
    '\uFEFFtransaction_id,amount,reason',
    `${ids[0]},120.50,Damaged in transit`,
    // A formula, quoted as CSV must be (an unquoted quote is refused as not CSV).
    `${ids[1]},"80","=HYPERLINK(""http://evil.example"",""click"")"`,
    `EKE2EBULKUNKNOWN${stamp},10,Not a payment PayOps knows`,
    `${ids[0]},999,More than is left`,
  ].join('\r\n');

  const finance = await (await browser.newContext({ storageState: storageState('finance') })).newPage();
  await finance.goto('/refunds');
  await finance.getByRole('link', { name: 'Bulk refunds from a CSV' }).click();
  await expect(finance.getByRole('heading', { level: 1 })).toHaveText(/bulk refunds/i);
  await finance.getByLabel(/CSV file/).setInputFiles({ name: 'refunds.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await finance.getByRole('button', { name: 'Upload and check' }).click();
  await finance.waitForURL('**/refunds/batches/**');
  const totals = finance.getByRole('list', { name: 'Batch totals' }).or(finance.locator('dl[aria-label="Batch totals"]'));
  await expect(totals).toContainText('Valid rows2');
  await expect(totals).toContainText('Refused rows2');
  // The formula is shown as text with a quote in front, never as a live cell or link.
  await expect(finance.getByText(/^'=HYPERLINK/)).toBeVisible();
  await expect(finance.getByRole('link', { name: 'click' })).toHaveCount(0);
  expect(await seriousAxeViolations(finance)).toEqual([]);
  await finance.screenshot({ path: testInfo.outputPath('bulk-draft-1440.png'), fullPage: true });
  await finance.getByRole('button', { name: /Confirm: ask for 2 refund/ }).click();
  await expect(finance.getByRole('status').first()).toContainText('Confirmed');
  // The uploader does not approve their own file.
  await expect(finance.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  const batchUrl = finance.url().replace(/\?.*$/, '');

  const admin = await (await browser.newContext({ storageState: storageState('admin') })).newPage();
  await admin.goto(batchUrl);
  await admin.getByRole('button', { name: 'Approve 2 refund(s)' }).click();
  await expect(admin.getByRole('status').first()).toContainText('Approved');
  await expect(async () => {
    await admin.reload();
    await expect(admin.getByTestId('batch-progress')).toHaveText('Succeeded: 2', { timeout: 2000 });
  }).toPass({ timeout: 45_000 });
  await admin.screenshot({ path: testInfo.outputPath('bulk-done-1440.png'), fullPage: true });

  const result = await finance.context().request.get(`${batchUrl}/result`);
  expect(result.status()).toBe(200);
  const text = await result.text();
  // Every row of the file with its verdict, and the refunds' end.
  expect(text.split(/\r?\n/).filter(Boolean)).toHaveLength(5);
  expect(text.match(/,succeeded,/g)).toHaveLength(2);
  expect(text).toContain('unknown_payment');
  await admin.context().close();
  await finance.context().close();
});
