import { expect, test, type Page } from '@playwright/test';
import { E2E } from '../playwright.config';
import { choose, storageState } from './fixtures';

// The OTP console against the provider simulator. The cooldown is read from the page, so this
// runs with any OTP_COOLDOWN_SECONDS (the e2e server sets a short one; 45 s only makes it slow).
test.setTimeout(180_000);

async function openPayment(page: Page, transactionId: string) {
  await page.goto(`/payments?q=${encodeURIComponent(transactionId)}`);
  await page.getByRole('region', { name: 'Payments found' }).getByRole('link', { name: transactionId }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(transactionId);
  return page.getByRole('region', { name: 'OTP' });
}

async function resend(page: Page, reason: string) {
  const form = page.getByRole('form', { name: 'Resend OTP' });
  // The server is the authority on the cooldown; the button waits for the countdown to end.
  await expect(page.getByTestId('otp-cooldown')).toHaveCount(0, { timeout: 60_000 });
  await choose(form, 'Reason', reason);
  await form.getByRole('button', { name: 'Resend OTP' }).click();
  return page.getByTestId('otp-outcome');
}

test('a support agent resends a pending Juspay OTP until the budget stops them; finance sees only the history', async ({ browser, request }, testInfo) => {
  // The merchant's checkout asks for the first resend through the OTP proxy, which records the payment.
  const transactionId = `txn_e2e_${Date.now()}`;
  const first = await request.post('/api/v1/otp/resend', {
    headers: { authorization: `Bearer ${E2E.apiToken}` },
    data: { provider: 'juspay', transactionId, challengeId: 'ch_e2e', customerId: 'cust_e2e', reason: 'checkout' },
  });
  expect(first.status()).toBe(200);
  expect(await first.json()).toMatchObject({ outcome: 'sent', budget: { sent: 1, limit: 3, remaining: 2 } });

  const support = await browser.newContext({ storageState: storageState('support') });
  const page = await support.newPage();
  const otp = await openPayment(page, transactionId);
  await expect(otp.getByTestId('otp-budget')).toHaveText(/1 \/ 3 sent · 2 left/);

  const captured = page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
  let outcome = await resend(page, 'Customer did not receive the OTP');
  const action = await captured;
  await expect(outcome).toHaveText(/^Sent/);
  await expect(otp.getByTestId('otp-budget')).toHaveText(/2 \/ 3 sent · 1 left/);
  await expect(page.getByTestId('otp-cooldown')).toHaveText(/next OTP possible in \d+ s/);
  await expect(page.getByRole('button', { name: 'Resend OTP' })).toBeDisabled();
  await otp.screenshot({ path: testInfo.outputPath('otp-cooldown.png') });

  outcome = await resend(page, 'OTP expired before the customer entered it');
  await expect(outcome).toHaveText(/^Sent/);
  await expect(otp.getByTestId('otp-budget')).toHaveText(/3 \/ 3 sent · 0 left/);

  // The budget is spent: Resend is no longer offered as something that could work (defect: every click was refused).
  await expect(page.getByRole('button', { name: 'Resend OTP' })).toBeDisabled();
  await expect(page.getByTestId('otp-budget-spent')).toHaveText(/budget is used up/);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Resend OTP' })).toBeDisabled();
  await expect(otp.getByTestId('otp-attempt')).toHaveCount(3);
  await otp.screenshot({ path: testInfo.outputPath('otp-limit.png') });

  // The checkout asking past the budget is refused, and that refusal is on record like any attempt.
  const past = await request.post('/api/v1/otp/resend', {
    headers: { authorization: `Bearer ${E2E.apiToken}` },
    data: { provider: 'juspay', transactionId, challengeId: 'ch_e2e', customerId: 'cust_e2e', reason: 'checkout' },
  });
  expect(past.status()).toBe(429);
  expect(await past.json()).toMatchObject({ outcome: 'refused_payment_limit' });
  await page.reload();
  await expect(otp.getByTestId('otp-attempt')).toHaveCount(4);

  // Finance: the history, no buttons; the support agent's action replayed from a finance session is refused.
  const finance = await browser.newContext({ storageState: storageState('finance') });
  const financePage = await finance.newPage();
  const financeOtp = await openPayment(financePage, transactionId);
  await expect(financeOtp.getByTestId('otp-attempt')).toHaveCount(4);
  // No OTP action: the only buttons are the copy buttons beside provider request ids.
  await expect(financeOtp.getByRole('button').filter({ hasNotText: /^Copy / })).toHaveCount(0);
  await expect(financeOtp.getByRole('form')).toHaveCount(0);
  await expect(financeOtp).toContainText('Only support and admin staff can send OTPs');
  const replay = await finance.request.post(action.url(), {
    headers: { 'next-action': action.headers()['next-action'], 'content-type': action.headers()['content-type'], accept: 'text/x-component' },
    data: action.postDataBuffer() ?? undefined,
  });
  expect(replay.status()).toBeLessThan(500);
  expect(await replay.text()).toContain('Your role does not allow this.');
  await financePage.reload();
  await expect(financePage.getByRole('region', { name: 'OTP' }).getByTestId('otp-attempt')).toHaveCount(4);

  // The audit log holds every attempt, and the refused replay.
  await financePage.goto('/audit?action=otp.resend_requested');
  const rows = financePage.getByTestId('audit-row');
  await expect(rows.filter({ hasText: 'forbidden' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'Refused payment limit' }).first()).toBeVisible();
  await support.close();
  await finance.close();
});

test('a payment that is not waiting for an OTP explains why, with no button', async ({ browser }) => {
  const support = await browser.newContext({ storageState: storageState('support') });
  const page = await support.newPage();
  // Posted by auth.setup.ts through the webhook: an Enkash SUCCESS from March 2025.
  const otp = await openPayment(page, 'EKE2ENAME0002');
  await expect(otp.getByTestId('otp-unavailable')).toContainText('not waiting for an OTP');
  await expect(otp.getByRole('button', { name: 'Resend OTP' })).toHaveCount(0);
  await support.close();
});
