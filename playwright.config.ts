import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E = {
  baseURL: `http://127.0.0.1:${PORT}`,
  webhookSecret: 'e2e-webhook-secret',
  apiToken: 'e2e-api-token',
  authSecret: 'e2e-auth-secret-0123456789abcdef0123456789',
  encryptionKey: 'ZTJlLWVuY3J5cHRpb24ta2V5LTMyLWJ5dGVzLWxvbmc',
  auditHmacKey: 'e2e-audit-hmac-key-0123456789abcdef0123456789',
  juspayWebhookUser: 'e2e-juspay',
  juspayWebhookPassword: 'e2e-juspay-webhook-password',
};

// Debian's Chromium; Playwright never downloads a browser here.
function chromiumLaunch() {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  };
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL: E2E.baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/, use: { browserName: 'chromium', launchOptions: chromiumLaunch() } },
    {
      name: 'chromium',
      dependencies: ['setup'],
      use: {
        browserName: 'chromium',
        launchOptions: chromiumLaunch(),
      },
    },
  ],
  webServer: {
    command: 'node e2e/serve.mjs',
    url: `${E2E.baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      ENKASH_WEBHOOK_SECRET: E2E.webhookSecret,
      JUSPAY_WEBHOOK_USERNAME: E2E.juspayWebhookUser,
      JUSPAY_WEBHOOK_PASSWORD: E2E.juspayWebhookPassword,
      PAYOPS_API_TOKEN: E2E.apiToken,
      AUTH_SECRET: E2E.authSecret,
      PAYOPS_ENCRYPTION_KEY: E2E.encryptionKey,
      AUDIT_HMAC_KEY: E2E.auditHmacKey,
      NEXT_TELEMETRY_DISABLED: '1',
      // The provider simulator runs beside the e2e server, on E2E_PORT + 10.
      PAYOPS_SANDBOX: '1',
      OTP_COOLDOWN_SECONDS: '3',
      // The sessions kept by auth.setup.ts stay stepped up for the whole run; security.spec.ts ages one on purpose.
      STEP_UP_MINUTES: '60',
    },
  },
});
