import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import { storageState } from './fixtures';

// The audit log proves itself (issue 8): a row changed behind PayOps' back — by the database's
// owner, around the insert-only trigger — is named on /audit by the full verification. The owner
// here is e2e/serve.mjs's database user; the server itself connects as a role that owns nothing.
const url = new URL(process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
url.pathname = `/payops_e2e_${process.env.E2E_PORT ?? '3100'}`;

let owner: pg.Client | null = null;

test.beforeAll(async () => {
  owner = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 3000 });
  try {
    await owner.connect();
  } catch {
    owner = null;
  }
});
test.afterAll(async () => {
  await owner?.end();
});

async function asOwnerAroundTriggers(statement: string, values: unknown[]) {
  await owner!.query('BEGIN');
  await owner!.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
  await owner!.query(statement, values);
  await owner!.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
  await owner!.query('COMMIT');
}

async function verifyNow(page: Page, expected: RegExp) {
  await page.getByRole('button', { name: 'Verify the whole log now' }).click();
  await expect(page.getByTestId('verify-result')).toHaveText(expected, { timeout: 20_000 });
}

test.describe('as admin', () => {
  test.use({ storageState: storageState('admin') });

  test('an old row changed around the trigger is named by the full verification, and cleared once restored', async ({ page }) => {
    test.skip(!owner, 'needs the e2e Postgres database');
    await page.goto('/audit');
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact');
    await expect(page.getByTestId('audit-roles')).toContainText('may only read and append');

    const { rows } = await owner!.query<{ id: string; target: string }>('SELECT id, target FROM audit_log ORDER BY id LIMIT 1');
    const old = rows[0];
    await asOwnerAroundTriggers('UPDATE audit_log SET target = $2 WHERE id = $1', [old.id, 'forged@e2e.payops.test']);
    try {
      // A page view checks only the rows since the last check: the old row waits for the full run.
      await page.goto('/audit');
      await expect(page.getByTestId('chain-status')).toContainText('Chain intact');
      await verifyNow(page, /: 1 break, listed above/);
      const status = page.getByTestId('chain-status');
      await expect(status).toContainText('The audit log has 1 break');
      await expect(status.getByRole('link', { name: `Row #${old.id}` })).toBeVisible();
      await expect(status).toContainText('content changed');
      await page.reload();
      await expect(page.getByTestId('chain-breaks')).toContainText(`Row #${old.id}: content changed`);
    } finally {
      await asOwnerAroundTriggers('UPDATE audit_log SET target = $2 WHERE id = $1', [old.id, old.target]);
    }
    await verifyNow(page, /^Verified: all [\d,]+ rows intact\.$/);
    await expect(page.getByTestId('chain-status')).toContainText('Chain intact');
  });
});

test('a failed sign-in (whatever was typed) is on the log for admins, not for finance', async ({ browser }) => {
  const typed = `typed-by-mistake-${Date.now()}@e2e.payops.test`;
  const anon = await browser.newContext();
  const login = await anon.newPage();
  await login.goto('/login');
  await login.getByLabel('Email').fill(typed);
  await login.getByLabel('Password').fill('not-the-password');
  await login.getByRole('button', { name: 'Sign in' }).click();
  // The refusal is on the page once the sign-in was checked (and audited).
  await expect(login.getByText(/Those details did not work/)).toBeVisible();
  await anon.close();

  for (const [role, sees] of [['admin', true], ['finance', false]] as const) {
    const ctx = await browser.newContext({ storageState: storageState(role) });
    const page = await ctx.newPage();
    await page.goto('/audit?action=auth.sign_in');
    // Both see the successful sign-ins; only admins the failed one.
    await expect(page.getByTestId('audit-row').first()).toBeVisible();
    await expect(page.getByTestId('audit-row').filter({ hasText: typed })).toHaveCount(sees ? 1 : 0);
    await ctx.close();
  }
});
