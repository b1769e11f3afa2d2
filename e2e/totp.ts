import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';
import type { Role } from '../db/schema';
import { parseTotpSecret, totpCode, totpStep } from '../lib/auth/totp';

/** The e2e accounts' TOTP secrets (saved at enrolment by auth.setup.ts) and the codes they give. */
const secretFile = (who: string) => `e2e/.auth/${who}-totp.txt`;
const stepFile = (who: string) => `e2e/.auth/${who}-totp-step.txt`;
export const recoveryFile = (who: Role | string) => `e2e/.auth/${who}-recovery.json`;

export function saveSecret(who: Role | string, secret: string) {
  writeFileSync(secretFile(who), secret.replace(/\s+/g, ''));
  // Enrolment just used this step's code.
  writeFileSync(stepFile(who), String(totpStep()));
}

/**
 * A code the server has not seen yet. Each code works once, and the server also takes the next
 * step's code (clock drift), so two codes are available at once without waiting; a third waits
 * for the clock.
 */
export async function nextCode(who: Role | string): Promise<string> {
  const secret = parseTotpSecret(readFileSync(secretFile(who), 'utf8'));
  const used = existsSync(stepFile(who)) ? Number(readFileSync(stepFile(who), 'utf8')) : -1;
  for (;;) {
    const now = totpStep();
    const step = Math.max(now, used + 1);
    if (step <= now + 1) {
      writeFileSync(stepFile(who), String(step));
      return totpCode(secret, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function codeNow(secretText: string): string {
  return totpCode(parseTotpSecret(secretText));
}

/**
 * The sign-in a new member of staff goes through: password, then — for roles that require a
 * second factor (admin and finance by default) — enrolment: the key shown once, a first code,
 * ten recovery codes. Returns the key and the codes.
 */
export async function signInAndEnrol(page: Page, email: string, password: string): Promise<{ secret: string; recoveryCodes: string[] } | null> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // Without a `next`, each role lands on its home page (lib/queues/home.ts), or on enrolment first.
  await page.waitForURL((u) => !u.pathname.startsWith('/login') || u.pathname.startsWith('/login/enrol'));
  if (!new URL(page.url()).pathname.startsWith('/login/enrol')) return null;
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(codeNow(secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recoveryCodes = await codes.allTextContents();
  await page.getByRole('link', { name: /I have saved them/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { secret, recoveryCodes };
}

