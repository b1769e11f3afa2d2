import { writeFileSync } from 'node:fs';
import { expect, test as setup } from '@playwright/test';
import { account, exampleWith, LONG_ID, NOTIFY_PATH, ROLES, SANDBOX, storageState } from './fixtures';
import { recoveryFile, saveSecret, signInAndEnrol } from './totp';

// Signs in once per role through the real form (enrolling where the role requires it) and keeps
// each session for the specs.
for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const { email, password } = account(role);
    const enrolled = await signInAndEnrol(page, email, password);
    expect(!!enrolled).toBe(role !== 'support');
    if (enrolled) {
      saveSecret(role, enrolled.secret);
      writeFileSync(recoveryFile(role), JSON.stringify(enrolled.recoveryCodes));
    }
    await expect(page.getByTestId('signed-in-as')).toHaveText(email);
    await page.context().storageState({ path: storageState(role) });
  });
}

// Payments the specs look for, posted through the real webhook.
setup('post test payments', async ({ request }) => {
  const payments = [
    { transactionId: 'EKE2EXSS0001', uniqueTransactionId: 'EKUXSS1', cardHolderName: '<img src=x onerror=alert(1)>', maskedCardNumber: 'XXXX XXXX XXXX 4242', paymentMode: 'CREDIT_CARD', cardScheme: 'VISA', amount: '1234.50', finalAmount: '1234.50', orderId: 'ORD-E2E-1', bankTransactionId: 'BANKE2E1' },
    { transactionId: 'EKE2ENAME0002', cardHolderName: 'Lakshmi Subramanian', maskedCardNumber: 'XXXX XXXX XXXX 7777', paymentMode: 'DEBIT_CARD', cardScheme: 'RUPAY', amount: '0.10', surcharge: '0.20', finalAmount: '0.30' },
    { transactionId: 'EKE2EFORMULA4', cardHolderName: '=HYPERLINK("http://evil.test","x")', maskedCardNumber: 'XXXX XXXX XXXX 5151', paymentMode: 'CREDIT_CARD', cardScheme: 'MASTERCARD', amount: '10.00', finalAmount: '10.00' },
    { transactionId: 'EKE2EPEND0003', status: 'PENDING_WITH_BANK', paymentMode: 'UPI', maskedCardNumber: null, amount: '999.99', finalAmount: '999.99' },
    // A provider's very long id, a placeholder name, four decimals and a big amount: the list must still show its Flags column.
    { transactionId: LONG_ID, orderId: 'ORDER-WITH-A-VERY-LONG-IDENTIFIER-0123456789-ABCDEFGHIJ', cardHolderName: 'NA', paymentMode: 'PAY_LATER', maskedCardNumber: null, amount: '150000.1250', finalAmount: '150000.1250', surcharge: '0.0000', surchargeGst: '0.0000', status: 'FAILED' },
  ];
  for (const p of payments) {
    const body = exampleWith({ txnDate: '2025-03-10 10:00:00', ...p });
    // The simulator first, so PayOps' check of each notification confirms it (a payment the provider
    // does not know is contradicted, and /finance counts it apart as unconfirmed).
    const parsed = JSON.parse(body) as { transactionId: string; status: string; finalAmount: string };
    const known = await request.post(`${SANDBOX}/__sandbox/payments`, {
      data: { provider: 'enkash', id: parsed.transactionId, status: parsed.status, amount: parsed.finalAmount, payload: parsed },
    });
    expect(known.status()).toBe(200);
    const res = await request.post(NOTIFY_PATH, { data: body, headers: { 'content-type': 'application/json' } });
    expect(res.status()).toBe(200);
  }
});
