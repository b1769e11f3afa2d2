import { expect, test } from '@playwright/test';
import type { Role } from '../db/schema';
import { ROLES, storageState } from './fixtures';

// What each role may open. Every page checks for itself; these visits go straight to the URL,
// so a link hidden in the interface is no protection here.
const PAGES: { path: string; allowed: Role[]; heading: RegExp }[] = [
  { path: '/payments', allowed: ['admin', 'finance', 'support'], heading: /payments/i },
  { path: '/finance', allowed: ['admin', 'finance'], heading: /finance/i },
  { path: '/settlements', allowed: ['admin', 'finance'], heading: /^settlements$/i },
  { path: '/settlements/exceptions', allowed: ['admin', 'finance'], heading: /settlement exceptions/i },
  { path: '/settlements/fees', allowed: ['admin', 'finance'], heading: /fees and contract/i },
  { path: '/deliveries', allowed: ['admin'], heading: /deliveries/i },
  { path: '/audit', allowed: ['admin', 'finance'], heading: /audit/i },
  { path: '/admin/users', allowed: ['admin'], heading: /users/i },
  { path: '/operations', allowed: ['admin'], heading: /operations/i },
  { path: '/alerts', allowed: ['admin', 'finance'], heading: /alerts/i },
  { path: '/account', allowed: ['admin', 'finance', 'support'], heading: /your account/i },
  { path: '/queues/waiting-otp', allowed: ['admin', 'support'], heading: /waiting for otp/i },
  { path: '/queues/review', allowed: ['admin', 'finance', 'support'], heading: /needs review/i },
  { path: '/queues/stuck', allowed: ['admin', 'finance', 'support'], heading: /stuck at the bank/i },
  { path: '/refunds', allowed: ['admin', 'finance', 'support'], heading: /^refunds$/i },
  { path: '/refunds/bulk', allowed: ['admin', 'finance'], heading: /bulk refunds/i },
];

/** The text of the first <h1> of server-rendered HTML (tags and React's comment markers dropped). */
function headingOf(html: string): string {
  const inner = /<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1] ?? '';
  return inner
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

for (const role of ROLES) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: storageState(role) });

    // The server's answer itself — status, headers and the page's own heading in the HTML it
    // rendered — without a browser: what a role may open is decided on the server, and a browser
    // per page made these fifty-odd visits a tenth of the whole browser run.
    for (const page of PAGES) {
      const allowed = page.allowed.includes(role);
      test(`${allowed ? 'opens' : 'is refused'} ${page.path}`, async ({ request }) => {
        const res = await request.get(page.path, { maxRedirects: 0 });
        const html = await res.text();
        if (allowed) {
          expect(res.status()).toBe(200);
          expect(headingOf(html)).toMatch(page.heading);
          expect(res.headers()['cache-control']).toContain('no-store');
        } else {
          expect(res.status()).toBe(403);
          // The refusal page comes in the page's streamed payload, not as its first HTML.
          expect(html).toContain('cannot open this page');
        }
      });
    }

    test('sees exactly the navigation its role allows', async ({ page }) => {
      await page.goto('/payments');
      const nav = page.getByRole('navigation', { name: 'Main' });
      // allTextContents does not wait: on a busy machine it read the navigation before it was there.
      await expect(nav.getByRole('link', { name: 'Payments' })).toBeVisible();
      // A queue's link ends with its count (": 12" to a screen reader).
      const labels = (await nav.getByRole('link').allTextContents()).map((l) => l.replace(/: [\d,]+$/, ''));
      const expected = {
        admin: ['Waiting for OTP', 'Needs review', 'Stuck at bank', 'Payments', 'Refunds', 'Finance', 'Settlements', 'Deliveries', 'Audit log', 'Operations', 'Alerts', 'Users'],
        finance: ['Needs review', 'Stuck at bank', 'Payments', 'Refunds', 'Finance', 'Settlements', 'Audit log', 'Alerts'],
        support: ['Waiting for OTP', 'Needs review', 'Stuck at bank', 'Payments', 'Refunds'],
      }[role];
      expect(labels).toEqual(expected);
    });

    test(`${role === 'support' ? 'cannot' : 'can'} export payments as CSV`, async ({ request }) => {
      const res = await request.get('/payments/export');
      if (role === 'support') {
        expect(res.status()).toBe(403);
      } else {
        expect(res.status()).toBe(200);
        expect(res.headers()['content-type']).toContain('text/csv');
      }
    });

    test('cannot use the merchant read API with a staff session', async ({ request }) => {
      expect((await request.get('/api/v1/transactions')).status()).toBe(401);
    });
  });
}

test.describe('signed out', () => {
  test('pages send to sign-in, the export answers 401', async ({ page, request }) => {
    for (const { path } of PAGES) {
      await page.goto(path);
      expect(new URL(page.url()).pathname).toBe('/login');
    }
    expect((await request.get('/payments/export')).status()).toBe(401);
  });
});
