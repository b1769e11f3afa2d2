import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { storageState } from './fixtures';

// Staff-security point 9, against the built server: a page on another site cannot start an export
// in a signed-in user's name, and HTTPS (as the proxy in front reports it) gets HSTS.

test.describe('finance staff', () => {
  test.use({ storageState: storageState('finance') });

  test('a link on another site to the CSV export gets a refusal in words, not a download', async ({ page }) => {
    // The other site is served by the browser itself: any origin that is not PayOps' will do.
    await page.route('http://elsewhere.test/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: `<a href="${E2E.baseURL}/payments/export?status=FAILED">Your report</a>` }),
    );
    await page.goto('http://elsewhere.test/');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/payments/export')), page.getByRole('link', { name: 'Your report' }).click()]);
    // Chromium's own Sec-Fetch-Site (cross-site): Playwright does not report it, the 403 shows it was sent.
    expect(response.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('This export was opened from another site');

    // The same address typed in: the export (Sec-Fetch-Site none).
    const download = page.waitForEvent('download');
    await page.goto('/payments/export?status=FAILED').catch(() => {}); // a download aborts the navigation
    expect((await download).suggestedFilename()).toMatch(/\.csv$/);
  });
});

test('Strict-Transport-Security only when the proxy in front says HTTPS', async ({ request }) => {
  for (const path of ['/login', '/api/health']) {
    const https = await request.get(path, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers()['strict-transport-security'], path).toBe('max-age=63072000; includeSubDomains');
    const plain = await request.get(path);
    expect(plain.headers()['strict-transport-security'], path).toBeUndefined();
  }
});
