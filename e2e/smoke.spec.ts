import { expect, test } from '@playwright/test';

test('a signed-out visitor is sent to the sign-in page, served with a CSP nonce', async ({ page }, testInfo) => {
  const response = await page.goto('/payments');
  expect(page.url()).toContain('/login?next=%2Fpayments');
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toContain('no-store');
  await expect(page).toHaveTitle('Sign in · PayOps');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('login.png'), fullPage: true });
});
