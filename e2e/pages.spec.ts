import { expect, test } from '@playwright/test';
import type { Role } from '../db/schema';
import { consoleErrors, overflowX, ROLES, seriousAxeViolations, storageState } from './fixtures';

// Every page each role can open, at a desktop and a phone width, light and dark: it loads
// without a console error, fits the window (no sideways scrolling), marks itself in the
// navigation, names itself in the tab, and axe finds nothing serious or critical in either colour
// scheme. Screenshots of each are kept with the test's output (test-results/).
const PAGES: { path: string; name: string; roles: Role[]; nav?: string; title: RegExp }[] = [
  { path: '/payments', name: 'payments', roles: ['admin', 'finance', 'support'], nav: 'Payments', title: /^Payments · PayOps$/ },
  { path: '/payments/go?q=EKE2EXSS0001', name: 'payment', roles: ['admin', 'finance', 'support'], nav: 'Payments', title: /^EKE2EXSS0001 · ₹1,234\.50 · Success · PayOps$/ },
  { path: '/finance?from=2025-03-01&to=2025-03-31', name: 'finance', roles: ['admin', 'finance'], nav: 'Finance', title: /^Finance · PayOps$/ },
  { path: '/audit', name: 'audit', roles: ['admin', 'finance'], nav: 'Audit log', title: /^Audit log · PayOps$/ },
  { path: '/deliveries', name: 'deliveries', roles: ['admin'], nav: 'Deliveries', title: /^Deliveries · PayOps$/ },
  { path: '/admin/users', name: 'users', roles: ['admin'], nav: 'Users', title: /^Users · PayOps$/ },
  { path: '/account', name: 'account', roles: ['admin', 'finance', 'support'], title: /^Your account · PayOps$/ },
];

for (const role of ROLES) {
  // One navigation per page, then the same page dark and at phone width: the server renders the
  // same HTML whatever the window, so a media change and a resize are what a person would see.
  test(`${role}: every page loads clean, fits 1440 and 390 px, light and dark, and passes axe`, async ({ browser }, testInfo) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ storageState: storageState(role), viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const errors = consoleErrors(page);
    const shot = (name: string) => page.screenshot({ path: testInfo.outputPath(`${role}-${name}.png`), fullPage: true });
    for (const p of PAGES.filter((x) => x.roles.includes(role))) {
      errors.length = 0;
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ colorScheme: 'light' });
      const res = await page.goto(p.path, { waitUntil: 'networkidle' });
      expect.soft(res?.status(), p.path).toBe(200);
      await expect.soft(page, p.path).toHaveTitle(p.title);
      if (p.nav) await expect.soft(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: p.nav, exact: true }), p.path).toHaveAttribute('aria-current', 'page');
      expect.soft(await overflowX(page), `${p.path} is wider than 1440 px`).toBeLessThanOrEqual(0);
      expect.soft(await seriousAxeViolations(page), `${p.path} axe, light`).toEqual([]);
      await shot(`${p.name}-1440-light`);

      await page.emulateMedia({ colorScheme: 'dark' });
      expect.soft(await page.evaluate(() => getComputedStyle(document.documentElement).colorScheme), `${p.path} follows a dark system`).toBe('dark');
      expect.soft(await seriousAxeViolations(page), `${p.path} axe, dark`).toEqual([]);
      await shot(`${p.name}-1440-dark`);

      await page.setViewportSize({ width: 390, height: 844 });
      expect.soft(await overflowX(page), `${p.path} is wider than 390 px`).toBeLessThanOrEqual(0);
      await shot(`${p.name}-390-dark`);
      await page.emulateMedia({ colorScheme: 'light' });
      await shot(`${p.name}-390-light`);
      expect.soft(errors, `${p.path} logged console errors`).toEqual([]);
    }
    await context.close();
  });
}

test('the sign-in page fits a phone and passes axe, light and dark', async ({ browser }, testInfo) => {
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme });
    const page = await context.newPage();
    const errors = consoleErrors(page);
    await page.goto('/login');
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`login-390-${scheme}.png`) });
    await context.close();
  }
});
