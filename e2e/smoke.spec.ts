import { expect, test } from '@playwright/test';

test('the front page opens in Chromium and says the database answers', async ({ page }, testInfo) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle('PayOps');
  await expect(page.getByRole('heading', { name: 'PayOps' })).toBeVisible();
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status).toContainText('answering');
  await expect(status).toContainText('configured');
  await page.screenshot({ path: testInfo.outputPath('home.png'), fullPage: true });
});
