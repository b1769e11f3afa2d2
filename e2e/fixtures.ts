import { readFileSync } from 'node:fs';
import type { Role } from '../db/schema';
import { E2E } from '../playwright.config';

export const ROLES: Role[] = ['admin', 'finance', 'support'];
export const account = (role: Role) => ({ email: `${role}@e2e.payops.test`, password: `e2e-${role}-password-1234` });
export const storageState = (role: Role) => `e2e/.auth/${role}.json`;

/** The documented Enkash example, byte for byte as test/enkash.ts holds it. */
export const DOCUMENTED_EXAMPLE = readFileSync('test/enkash.ts', 'utf8').match(/DOCUMENTED_EXAMPLE = `([\s\S]*?)`;/)![1];
/** A payment with a very long provider id (posted by auth.setup.ts). */
export const LONG_ID = `EKE2ELONG${'X'.repeat(60)}0005`;
export const NOTIFY_PATH = `/api/webhooks/enkash/notify?key=${E2E.webhookSecret}`;
/** The provider simulator the e2e server runs beside itself (PAYOPS_SANDBOX=1), on E2E_PORT + 10. */
export const SANDBOX = `http://127.0.0.1:${Number(new URL(E2E.baseURL).port) + 10}`;

export function exampleWith(overrides: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(DOCUMENTED_EXAMPLE), ...overrides });
}


type Page = import('@playwright/test').Page;
type Locator = import('@playwright/test').Locator;

/** Chooses an option of one of the dashboard's selects (Radix UI): open it by its label, click the option. */
export async function choose(scope: Page | Locator, label: string | RegExp, option: string | RegExp) {
  await scope.getByLabel(label, { exact: typeof label === 'string' }).click();
  const page = 'page' in scope ? scope.page() : scope;
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

const roleName = (role: Role) => role.charAt(0).toUpperCase() + role.slice(1);

/** Changes a user's role on /admin/users and waits for the server action to finish. */
export async function changeRole(page: Page, email: string, role: Role) {
  await choose(page, `Role of ${email}`, roleName(role));
  const done = page.waitForResponse((r) => r.request().method() === 'POST' && !!r.request().headers()['next-action']);
  await page.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Change' }).click();
  return (await done).request();
}

/** The role a user's role select shows. */
export const roleShown = (page: Page, email: string) => page.getByLabel(`Role of ${email}`);
export { roleName };

/** Console errors and uncaught exceptions of a page, from now on. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** How far the page is wider than the window (0: no sideways scrolling). */
export const overflowX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** axe-core's serious and critical findings (WCAG 2.1 A and AA), each as "rule: target, target". */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(', ')}`);
}

/** The database e2e/serve.mjs made for this run's server (real Postgres), for what a test must set up or age by hand. */
export const E2E_DATABASE_URL = (() => {
  const url = new URL(process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/payops_e2e_${new URL(E2E.baseURL).port}`;
  return url.href;
})();

export async function e2eQuery<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}
