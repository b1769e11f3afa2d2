import { readFileSync } from 'node:fs';
import type { Role } from '../db/schema';
import { E2E } from '../playwright.config';

export const ROLES: Role[] = ['admin', 'finance', 'support'];
export const account = (role: Role) => ({ email: `${role}@e2e.payops.test`, password: `e2e-${role}-password-1234` });
export const storageState = (role: Role) => `e2e/.auth/${role}.json`;

/** The documented Enkash example, byte for byte as test/enkash.ts holds it. */
export const DOCUMENTED_EXAMPLE = readFileSync('test/enkash.ts', 'utf8').match(/DOCUMENTED_EXAMPLE = `([\s\S]*?)`;/)![1];
export const NOTIFY_PATH = `/api/webhooks/enkash/notify?key=${E2E.webhookSecret}`;

export function exampleWith(overrides: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(DOCUMENTED_EXAMPLE), ...overrides });
}


/** Changes a user's role on /admin/users and waits for the server action to finish. */
export async function changeRole(page: import('@playwright/test').Page, email: string, role: Role) {
  const select = page.getByLabel(`Role of ${email}`);
  await select.selectOption(role);
  const done = page.waitForResponse((r) => r.request().method() === 'POST' && !!r.request().headers()['next-action']);
  await select.locator('xpath=ancestor::form').getByRole('button', { name: 'Change' }).click();
  return (await done).request();
}
