import { expect, test } from '@playwright/test';
import { exampleWith, NOTIFY_PATH, SANDBOX, seriousAxeViolations, storageState } from './fixtures';

// The provider simulator beside the e2e server (scripts/start.mjs: PORT + 10).
const istDay = (daysAgo: number) => new Date(Date.now() + 330 * 60_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);

test.use({ storageState: storageState('finance') });

/**
 * Finance closes the day: payments Enkash settled in a payout with a short line and a payment left
 * out; "Sync now" fetches it; the payout shows its exceptions first; one leads to its payment, whose
 * page says where the money went; finance resolves it with a note; /finance shows gross, refunds
 * and net.
 */
test('finance syncs a payout, follows an exception to its payment and resolves it with a note', async ({ page, request }) => {
  const paidOn = istDay(3);
  const payoutDay = istDay(2);
  const payoutId = `SP${payoutDay.replaceAll('-', '')}`;
  const ids = Array.from({ length: 4 }, (_, i) => `EKE2ESETTLE${Date.now()}${i}`);
  for (const [i, id] of ids.entries()) {
    const body = JSON.parse(exampleWith({ transactionId: id, status: 'SUCCESS', paymentMode: 'UPI', amount: `${1000 + i}.00`, finalAmount: `${1000 + i}.00`, txnDate: `${paidOn} 1${i}:00:00`, surcharge: '0.0000', surchargeGst: '0.0000', paymentToken: null }));
    // The simulator first, so PayOps' check of the notification finds the payment (no "provider contradicts" alert).
    const known = await request.post(`${SANDBOX}/__sandbox/payments`, { data: { provider: 'enkash', id, status: 'SUCCESS', amount: body.finalAmount, payload: body } });
    expect(known.status()).toBe(200);
    expect((await request.post(NOTIFY_PATH, { data: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status()).toBe(200);
  }
  const plan = await request.post(`${SANDBOX}/__sandbox/settlements/plan`, { data: { chances: {}, featured: { [payoutDay]: ['short_line', 'unsettled'] } } });
  expect(plan.status()).toBe(200);

  await page.goto('/settlements');
  await page.getByRole('button', { name: 'Sync now' }).click();
  await expect(page.getByRole('status')).toContainText('Synced');
  const row = page.getByRole('row').filter({ hasText: payoutId });
  await expect(row).toContainText('2 open');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await row.getByRole('link', { name: payoutId }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(payoutId);
  const exceptions = page.locator('#exceptions');
  await expect(exceptions.getByText('Amount differs · open')).toBeVisible();
  await expect(exceptions.getByText('Paid, not settled · open')).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);

  // Follow the short line to its payment: the page says where its money went, and what is wrong.
  const short = exceptions.getByRole('row').filter({ hasText: 'Amount differs' });
  const paymentId = (await short.getByRole('link').first().textContent())!.trim();
  await short.getByRole('link', { name: paymentId }).click();
  const settlement = page.getByRole('region', { name: 'Settlement' });
  await expect(settlement).toContainText(`in payout ${payoutId} (UTR UTR`);
  await expect(settlement).toContainText('fee ₹0.00 + GST ₹0.00');
  const exceptionLink = settlement.getByRole('link', { name: /Exception #\d+/ });
  const exceptionId = (await exceptionLink.textContent())!.replace(/\D/g, '');
  await exceptionLink.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settlement exceptions');

  // Resolve it with a note; a card number in the note is cut to its last four.
  const target = page.locator(`#exception-${exceptionId}`);
  await target.getByText('Resolve…').click();
  await target.getByRole('combobox', { name: 'Resolution' }).click();
  await page.getByRole('option', { name: 'Written off' }).click();
  await target.getByLabel('Note').fill('Short by paise, written off with Enkash (card 4111 1111 1111 1111 on the call)');
  await target.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByRole('status')).toContainText('Exception resolved');
  await page.goto('/settlements/exceptions?state=resolved');
  const resolved = page.getByRole('row').filter({ hasText: paymentId }).filter({ hasText: 'Amount differs' });
  await expect(resolved).toContainText('Written off');
  await expect(resolved).toContainText('1111');
  await expect(resolved).not.toContainText('4111 1111 1111 1111');

  // The payout as CSV: every line with its outcome.
  const payoutHref = await page.goto(`/settlements`).then(() => page.getByRole('link', { name: payoutId }).getAttribute('href'));
  const csv = await page.request.get(`${payoutHref}/export`);
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.split('\r\n')[0]).toContain('settlement_transaction_id');
  expect(text).toContain('amount_differs');

  // Totals: gross, refunds and net apart.
  await page.goto('/finance');
  const totals = page.getByRole('definition').first().locator('..').locator('..');
  for (const label of ['Gross', 'Refunds', 'Net', 'Unconfirmed']) await expect(totals.getByText(label, { exact: true }).first()).toBeVisible();
});

test.describe('as support', () => {
  test.use({ storageState: storageState('support') });
  test('cannot open settlements, export them, or resolve an exception', async ({ page, request }) => {
    expect((await page.goto('/settlements'))?.status()).toBe(403);
    expect((await request.get('/settlements/exceptions/export')).status()).toBe(403);
  });
});
