import { expect, test } from '@playwright/test';
import { changeRole, choose, roleShown, storageState } from './fixtures';

test.use({ storageState: storageState('support') });

test('the session cookie is HttpOnly, SameSite=Lax, and its 30-minute idle expiry moves with each request', async ({ page, context }) => {
  await page.goto('/payments');
  const session = async () => (await context.cookies()).find((c) => c.name.endsWith('authjs.session-token'))!;
  const first = await session();
  expect(first.httpOnly).toBe(true);
  expect(first.sameSite).toBe('Lax');
  const remaining = first.expires - Date.now() / 1000;
  expect(remaining).toBeGreaterThan(29 * 60);
  expect(remaining).toBeLessThanOrEqual(30 * 60 + 5);
  await page.waitForTimeout(2_000);
  await page.goto('/payments');
  expect((await session()).expires).toBeGreaterThan(first.expires);
});

test('a role change and a disabled account end the person\'s session on the very next request', async ({ browser }) => {
  const admin = await browser.newContext({ storageState: storageState('admin') });
  const adminPage = await admin.newPage();
  const email = `short-lived-${Date.now()}@e2e.payops.test`;
  const password = 'a-password-for-this-test';
  await adminPage.goto('/admin/users');
  const add = adminPage.getByRole('form', { name: 'Add a user' });
  await add.getByLabel('Email').fill(email);
  await choose(add, 'Role', 'Support');
  await add.getByLabel('Password').fill(password);
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(roleShown(adminPage, email)).toHaveText('Support');

  const user = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const userPage = await user.newPage();
  const signIn = async () => {
    await userPage.goto('/login');
    await userPage.getByLabel('Email').fill(email);
    await userPage.getByLabel('Password').fill(password);
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage.waitForURL('**/queues/waiting-otp');
  };
  await signIn();
  expect((await userPage.goto('/finance'))?.status()).toBe(403);

  // Disabled: the session ends at once.
  adminPage.once('dialog', (d) => d.accept());
  await adminPage.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Disable' }).click();
  await expect(adminPage.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Enable' })).toBeVisible();
  await userPage.goto('/payments');
  expect(new URL(userPage.url()).pathname).toBe('/login');

  // Enabled again and signed in; then made finance: that session ends, and the next sign-in must enrol a second factor.
  await adminPage.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Enable' }).click();
  await expect(adminPage.getByRole('row').filter({ hasText: email }).getByRole('button', { name: 'Disable' })).toBeVisible();
  await signIn();
  await changeRole(adminPage, email, 'finance');
  await adminPage.reload();
  await expect(roleShown(adminPage, email)).toHaveText('Finance');
  await userPage.goto('/finance');
  expect(new URL(userPage.url()).pathname).toBe('/login');
  await userPage.getByLabel('Email').fill(email);
  await userPage.getByLabel('Password').fill(password);
  await userPage.getByRole('button', { name: 'Sign in' }).click();
  await userPage.waitForURL('**/login/enrol**');
  await admin.close();
  await user.close();
});
