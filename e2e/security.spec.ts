import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { account, choose, e2eQuery, seriousAxeViolations, storageState } from './fixtures';
import { nextCode, recoveryFile, signInAndEnrol } from './totp';

/** A fresh browser that signs in with a password, and lands wherever the server sends it next. */
async function passwordOnly(browser: Browser, email: string, password: string): Promise<BrowserContext> {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto('/login?next=/finance');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login' && url.pathname !== '/login/continue');
  return context;
}

/** Adds a staff user through the admin's Users page (a test's own account, so ending its sessions touches no other test). */
async function addUser(browser: Browser, email: string, role: 'Admin' | 'Finance' | 'Support', password: string): Promise<void> {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const adminPage = await admin.newPage();
  await adminPage.goto('/admin/users');
  const add = adminPage.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(email);
  await choose(add, 'Role', role);
  await add.getByLabel('Password').fill(password);
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(adminPage.getByRole('row').filter({ hasText: email })).toBeVisible();
  await admin.close();
}

test('a new admin must enrol a second factor before seeing any page', async ({ browser }, testInfo) => {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const adminPage = await admin.newPage();
  const email = `new-admin-${Date.now()}@e2e.payops.test`;
  const password = 'a-new-admins-long-password';
  await adminPage.goto('/admin/users');
  const add = adminPage.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(email);
  await choose(add, 'Role', 'Admin');
  await add.getByLabel('Password').fill(password);
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(adminPage.getByRole('row').filter({ hasText: email })).toContainText('Set up at next sign-in');

  const fresh = await passwordOnly(browser, email, password);
  const page = fresh.pages()[0];
  expect(new URL(page.url()).pathname).toBe('/login/enrol');
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('enrol-1440.png'), fullPage: true });
  // Nothing else opens, and nothing answers, until the second factor is in force.
  for (const path of ['/payments', '/admin/users', '/audit', '/account']) {
    await page.goto(path);
    expect(new URL(page.url()).pathname, path).toBe('/login/enrol');
  }
  expect((await fresh.request.get('/payments/export')).status()).toBe(401);
  expect((await fresh.request.get('/api/live?topics=payments')).status()).toBe(401);
  await fresh.close();

  const enrolling = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const enrolled = await signInAndEnrol(await enrolling.newPage(), email, password);
  expect(enrolled?.recoveryCodes).toHaveLength(10);
  await enrolling.close();
  await admin.close();
});

test('finance signs in with a code, or once with each recovery code', async ({ browser }, testInfo) => {
  const { email, password } = account('finance');
  const withCode = await passwordOnly(browser, email, password);
  const page = withCode.pages()[0];
  expect(new URL(page.url()).pathname).toBe('/login/two-factor');
  // Any other page sends back to the code, and the code then leads to the page last asked for.
  await page.goto('/payments?status=FAILED');
  expect(new URL(page.url()).pathname).toBe('/login/two-factor');
  await page.getByLabel('Authenticator code or recovery code').fill('000000');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText('That code did not work')).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: testInfo.outputPath('two-factor-390.png'), fullPage: true });
  await page.getByLabel('Authenticator code or recovery code').fill(await nextCode('finance'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/payments?status=FAILED');
  await withCode.close();

  const [recovery] = JSON.parse(readFileSync(recoveryFile('finance'), 'utf8')) as string[];
  for (const expected of ['works', 'refused'] as const) {
    const context = await passwordOnly(browser, email, password);
    const p = context.pages()[0];
    await p.getByLabel('Authenticator code or recovery code').fill(recovery.toUpperCase());
    await p.getByRole('button', { name: 'Continue' }).click();
    if (expected === 'works') await p.waitForURL('**/finance');
    else await expect(p.getByText('That code did not work')).toBeVisible();
    await context.close();
  }
});

test('an export needs a code checked in the last minutes: the browser asks for one, then downloads', async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const { email, password } = account('finance');
  await page.goto('/login?next=/payments');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/login/two-factor**');
  await page.getByLabel('Authenticator code or recovery code').fill(await nextCode('finance'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/payments');
  // Age this session's last code check past the step-up window.
  // Only this browser's session (the newest): the session the other specs share stays stepped up.
  await e2eQuery(
    `UPDATE staff_sessions SET step_up_at = now() - interval '2 hours'
      WHERE id_hash = (SELECT s.id_hash FROM staff_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1 ORDER BY s.created_at DESC LIMIT 1)`,
    [email],
  );

  await page.goto('/payments/export?status=FAILED');
  expect(new URL(page.url()).pathname).toBe('/login/step-up');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm it is you');
  expect((await context.request.get('/payments/export?status=FAILED')).status()).toBe(403);
  await page.getByLabel('Authenticator code or recovery code').fill(await nextCode('finance'));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Confirm' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);
  await context.close();
});

test('sign-out ends the session for a copied cookie too, and "sign out everywhere" reaches another browser', async ({ browser }) => {
  // Its own account: signing out everywhere must not end the sessions the other specs share.
  const email = `signing-out-${Date.now()}@e2e.payops.test`;
  const password = 'a-password-to-sign-out-with';
  await addUser(browser, email, 'Support', password);
  const a = await passwordOnly(browser, email, password);
  const copied = await browser.newContext({ storageState: await a.storageState() });
  const copiedPage = await copied.newPage();
  expect((await copiedPage.goto('/payments'))?.status()).toBe(200);
  expect(new URL(copiedPage.url()).pathname).toBe('/payments');

  const pageA = a.pages()[0];
  await pageA.goto('/payments');
  await pageA.getByRole('button', { name: new RegExp(email) }).click();
  await pageA.getByRole('menuitem', { name: 'Sign out' }).click();
  await pageA.waitForURL('**/login**');
  await copiedPage.goto('/payments');
  expect(new URL(copiedPage.url()).pathname).toBe('/login');

  const one = await passwordOnly(browser, email, password);
  const two = await passwordOnly(browser, email, password);
  const onePage = one.pages()[0];
  await onePage.goto('/account');
  await expect(onePage.getByTestId('sessions').getByRole('listitem')).not.toHaveCount(0);
  await expect(onePage.getByText('This browser')).toBeVisible();
  await onePage.getByRole('button', { name: 'Sign out everywhere' }).click();
  await onePage.waitForURL('**/login**');
  const twoPage = two.pages()[0];
  await twoPage.goto('/payments');
  expect(new URL(twoPage.url()).pathname).toBe('/login');
  for (const c of [a, copied, one, two]) await c.close();
});

test('a password reset by an admin works once, then the person chooses their own', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const adminPage = await admin.newPage();
  const email = `reset-${Date.now()}@e2e.payops.test`;
  await adminPage.goto('/admin/users');
  const add = adminPage.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(email);
  await add.getByLabel('Password').fill('first-password-for-reset');
  await add.getByRole('button', { name: 'Add user' }).click();
  const row = adminPage.getByRole('row').filter({ hasText: email });
  adminPage.once('dialog', (d) => d.accept());
  await row.getByRole('button', { name: /Reset password/ }).click();
  const generated = (await row.getByTestId('generated-password').textContent())!.trim();

  const user = await passwordOnly(browser, email, generated);
  const page = user.pages()[0];
  expect(new URL(page.url()).pathname).toBe('/login/password');
  await page.getByLabel('The password you were given').fill(generated);
  await page.getByLabel('New password').fill('password1234');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByText(/too easy to guess/)).toBeVisible();
  await page.getByLabel('The password you were given').fill(generated);
  await page.getByLabel('New password').fill('violet tractor summons the harbour');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.waitForURL('**/finance');
  await user.close();
  await admin.close();
});
