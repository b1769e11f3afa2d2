import { z } from 'zod';

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v : undefined));

const optionalUrl = optionalText.refine(
  (v) => v === undefined || (/^https?:\/\//i.test(v) && URL.canParse(v)),
  'must be an http(s) URL',
);

const envSchema = z.object({
  DATABASE_URL: optionalText,
  DATA_DIR: z.string().default('./.data'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // Past this a query is abandoned and the caller answers 503, so a provider retries.
  DATABASE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  // /api/health/live answers 503 once every database call has failed for this long.
  LIVENESS_DB_FAILURE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  ENKASH_WEBHOOK_SECRET: optionalText,
  // HTTP Basic credentials Juspay's webhooks carry (set in the Juspay dashboard).
  JUSPAY_WEBHOOK_USERNAME: optionalText,
  JUSPAY_WEBHOOK_PASSWORD: optionalText,
  PAYOPS_API_TOKEN: optionalText,
  // Signs staff session cookies. Embedded demo mode keeps a generated one in DATA_DIR.
  AUTH_SECRET: optionalText,
  // Encrypts TOTP secrets at rest (AES-256-GCM; lib/auth/crypto.ts). Never the session secret.
  // At least 32 characters of random key material. Embedded demo mode keeps a generated one in DATA_DIR.
  PAYOPS_ENCRYPTION_KEY: optionalText,
  // Keys the audit log's chain (HMAC-SHA256, lib/audit). Embedded demo mode generates one.
  AUDIT_HMAC_KEY: optionalText,
  // Where signed audit checkpoints are posted, when set (lib/audit).
  AUDIT_ANCHOR_URL: optionalUrl,
  // Migrations run as this role (the owner); the app connects as DATABASE_URL, which should be
  // a role that can only insert into and read the audit log. Defaults to DATABASE_URL.
  DATABASE_MIGRATION_URL: optionalText,
  // Roles that must use a second factor (TOTP) to sign in; the others may enrol if they wish.
  TWO_FACTOR_REQUIRED_ROLES: z
    .string()
    .optional()
    .transform((v) => (v ?? 'admin,finance').split(',').map((r) => r.trim()).filter(Boolean))
    .refine((roles) => roles.every((r) => ['admin', 'finance', 'support'].includes(r)), 'must list roles: admin, finance, support'),
  // Sensitive actions (user admin, CSV export, refund approval) need a TOTP check this recent.
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(720).default(10),
  // Provider APIs (OTP actions, status checks). A provider left unconfigured answers "not configured".
  ENKASH_BASE_URL: optionalUrl,
  ENKASH_ACCESS_KEY: optionalText,
  ENKASH_SECRET_KEY: optionalText,
  ENKASH_WALLET_BASE_URL: optionalUrl,
  ENKASH_WALLET_CLIENT_ID: optionalText,
  ENKASH_WALLET_CLIENT_SECRET: optionalText,
  ENKASH_WALLET_USERNAME: optionalText,
  ENKASH_WALLET_PASSWORD: optionalText,
  ENKASH_WALLET_PARTNER_ID: optionalText,
  JUSPAY_BASE_URL: optionalUrl,
  JUSPAY_API_KEY: optionalText,
  // The order status API (trust, then verify) also needs the merchant id (x-merchantid header)
  // and an API version date (version header). Resend/process OTP work without the merchant id.
  JUSPAY_MERCHANT_ID: optionalText,
  JUSPAY_API_VERSION: z
    .string()
    .optional()
    .transform((v) => v?.trim() || '2023-06-30')
    .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v), 'must be a date, YYYY-MM-DD'),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // OTP limits (lib/otp/policy.ts), enforced in the database so every instance shares them.
  OTP_MAX_PER_PAYMENT: z.coerce.number().int().min(1).max(20).default(3),
  OTP_COOLDOWN_SECONDS: z.coerce.number().int().min(0).max(3600).default(45),
  OTP_MAX_PER_AGENT_PER_HOUR: z.coerce.number().int().min(1).max(10_000).default(20),
  OTP_MAX_GLOBAL_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(500),
  OTP_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
  // Validate calls per payment through the proxy: an OTP must not be guessable through PayOps.
  OTP_MAX_VALIDATIONS_PER_PAYMENT: z.coerce.number().int().min(1).max(20).default(5),
  // Background jobs (pg-boss, lib/jobs): 'off' makes this instance only queue them, for a
  // deployment that runs `npm run worker` separately.
  JOB_WORKERS: z.enum(['on', 'off']).default('on'),
  // The sweeper (lib/payments/sweep.ts): payments not final, or not yet confirmed, older than
  // SWEEP_MIN_AGE_MINUTES and younger than SWEEP_LOOKBACK_DAYS are checked with their provider,
  // at most SWEEP_PER_PROVIDER_PER_MINUTE per provider each minute, newest first.
  SWEEP_MIN_AGE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
  SWEEP_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SWEEP_PER_PROVIDER_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(60),
  // The provider reports a final status and no notification came for this long: `notify_missing`.
  NOTIFY_MISSING_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
  // Still open at the provider this long after the payment began: `stuck`.
  STUCK_AFTER_MINUTES: z.coerce.number().int().min(5).max(30 * 24 * 60).default(60),
  // Delivery bodies and event payloads (personal data) are removed after this many days.
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  // Settlements (lib/settlements/): a successful payment with no settlement line this many days
  // after it is an exception. One number for every mode, or per mode: `3,UPI=2,CREDIT_CARD=4`.
  SETTLEMENT_DUE_DAYS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const out: { default: number; modes: Record<string, number> } = { default: 3, modes: {} };
      for (const part of (v ?? '3').split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^(?:([A-Z_]+)=)?(\d{1,2})$/.exec(part);
        if (!m || Number(m[2]) < 1) {
          ctx.addIssue({ code: 'custom', message: 'must be days (1–99), or MODE=days, comma-separated' });
          return z.NEVER;
        }
        if (m[1]) out.modes[m[1]] = Number(m[2]);
        else out.default = Number(m[2]);
      }
      return out;
    }),
  // A line's charges + GST above the contract by more than this (rupees) is an excess fee.
  SETTLEMENT_FEE_TOLERANCE: z.string().regex(/^\d{1,6}(\.\d{1,4})?$/, 'must be rupees, e.g. 0.10').default('0.10'),
  // How far back the daily settlement sync looks (payouts can be re-issued or arrive late).
  SETTLEMENT_SYNC_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  // Refunds (lib/refunds/): who approves (never the requester), when a request needs a note and a
  // minute's wait, how long it waits for a decision, the daily limits past which only an admin may
  // approve, when a refund without a final answer is stuck, and (for the merchant API) the amount
  // below which a refund needs no staff approval (unset: every refund needs one).
  REFUND_APPROVER_ROLES: z
    .string()
    .optional()
    .transform((v) => (v ?? 'admin').split(',').map((r) => r.trim()).filter(Boolean))
    .refine((roles) => roles.length > 0 && roles.every((r) => ['admin', 'finance'].includes(r)), 'must list roles: admin, finance'),
  REFUND_NOTE_ABOVE: z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be rupees, e.g. 10000').default('10000'),
  REFUND_EXPIRY_HOURS: z.coerce.number().int().min(1).max(30 * 24).default(72),
  REFUND_USER_DAILY_LIMIT: z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be rupees').default('200000'),
  REFUND_DAILY_LIMIT: z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be rupees').default('1000000'),
  REFUND_STUCK_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  REFUND_API_AUTO_APPROVE_BELOW: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,4})?$/, 'must be rupees')
    .optional(),
  // Alerts (lib/alerts/): where they are posted, how they are signed, and when each rule trips.
  ALERT_WEBHOOK_URL: optionalUrl,
  ALERT_WEBHOOK_SECRET: optionalText,
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  // The address staff reach PayOps at, for the link in alert messages (none without it).
  PAYOPS_PUBLIC_URL: optionalUrl,
  ALERT_SILENCE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  ALERT_SILENCE_MIN_EXPECTED: z.coerce.number().int().min(1).max(1000).default(5),
  ALERT_REFUSED_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(5),
  ALERT_REFUSED_SHARE: z.coerce.number().gt(0).max(1).default(0.2),
  ALERT_REFUSED_MIN_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(5),
  ALERT_MISMATCH_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(5),
  ALERT_STUCK_PAST_DEADLINE: z.coerce.number().int().min(1).max(1_000_000).default(1),
  ALERT_SUCCESS_RATE_DROP: z.coerce.number().gt(0).max(1).default(0.2),
  ALERT_SUCCESS_RATE_MIN_COUNT: z.coerce.number().int().min(1).max(1_000_000).default(20),
  ALERT_OTP_REFUSALS_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(20),
  ALERT_JOB_FAILURES_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(3),
  ALERT_RESOLVE_AFTER_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(5),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The checked environment. Read lazily so tests and scripts can set variables first. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}

/**
 * Configuration that must stop the server from starting. A real database without a webhook
 * secret would accept anyone's payment notifications.
 */
export function startupProblems(e: Env): string[] {
  const problems: string[] = [];
  if (e.DATABASE_URL && !e.ENKASH_WEBHOOK_SECRET) {
    problems.push(
      'ENKASH_WEBHOOK_SECRET is not set. With DATABASE_URL set PayOps refuses to start without it: ' +
        'anyone could post payment notifications. Set it, and give Enkash the notify URL ' +
        'https://<host>/api/webhooks/enkash/notify?key=<secret>.',
    );
  }
  if (e.DATABASE_URL && !e.AUTH_SECRET) {
    problems.push(
      'AUTH_SECRET is not set. With DATABASE_URL set PayOps refuses to start without it: it signs ' +
        'staff sessions, and every instance must share it. Generate one with `openssl rand -base64 32`.',
    );
  }
  if (e.DATABASE_URL && !e.PAYOPS_ENCRYPTION_KEY) {
    problems.push(
      'PAYOPS_ENCRYPTION_KEY is not set. With DATABASE_URL set PayOps refuses to start without it: it encrypts ' +
        'staff second-factor secrets, and every instance must share it. Generate one with `openssl rand -base64 32`.',
    );
  }
  if (e.DATABASE_URL && !e.AUDIT_HMAC_KEY) {
    problems.push(
      'AUDIT_HMAC_KEY is not set. With DATABASE_URL set PayOps refuses to start without it: it keys the audit ' +
        'log\'s chain, so that write access to the database is not enough to rewrite history. Generate one with `openssl rand -base64 32`.',
    );
  }
  if (e.DATABASE_URL && e.ALERT_WEBHOOK_URL && !e.ALERT_WEBHOOK_SECRET) {
    problems.push(
      'ALERT_WEBHOOK_SECRET is not set while ALERT_WEBHOOK_URL is. With DATABASE_URL set PayOps refuses to start ' +
        'without it: the receiver could not tell PayOps\' alerts from anyone else\'s. Generate one with ' +
        '`openssl rand -hex 32` and give it to the receiver.',
    );
  }
  return problems;
}

export function startupWarnings(e: Env): string[] {
  const warnings: string[] = [];
  if (!e.DATABASE_URL && !e.ENKASH_WEBHOOK_SECRET) {
    warnings.push(
      'ENKASH_WEBHOOK_SECRET is not set: the Enkash webhook ACCEPTS UNAUTHENTICATED notifications ' +
        'and marks them so. Fine for the embedded demo, never for real payments.',
    );
  }
  const juspayPairs = [e.JUSPAY_WEBHOOK_USERNAME, e.JUSPAY_WEBHOOK_PASSWORD].filter(Boolean).length;
  if (juspayPairs === 1) {
    warnings.push('Only one of JUSPAY_WEBHOOK_USERNAME and JUSPAY_WEBHOOK_PASSWORD is set: the Juspay webhook refuses every delivery until both are.');
  } else if (juspayPairs === 0 && e.DATABASE_URL) {
    warnings.push('JUSPAY_WEBHOOK_USERNAME / JUSPAY_WEBHOOK_PASSWORD are not set: the Juspay webhook refuses every delivery (fine if Juspay is not used).');
  } else if (juspayPairs === 0) {
    warnings.push('JUSPAY_WEBHOOK_USERNAME / JUSPAY_WEBHOOK_PASSWORD are not set: the Juspay webhook ACCEPTS UNAUTHENTICATED deliveries and marks them so.');
  }
  if (!e.DATABASE_URL && e.ALERT_WEBHOOK_URL && !e.ALERT_WEBHOOK_SECRET) {
    warnings.push('ALERT_WEBHOOK_SECRET is not set: alert messages to ALERT_WEBHOOK_URL go UNSIGNED. Fine for the embedded demo only.');
  }
  if (!e.TWO_FACTOR_REQUIRED_ROLES.includes('admin')) {
    warnings.push(`TWO_FACTOR_REQUIRED_ROLES (${e.TWO_FACTOR_REQUIRED_ROLES.join(', ') || 'none'}) leaves out admin: an admin can sign in with a password alone. Sensitive actions still need a code from those who enrol.`);
  }
  if (!e.PAYOPS_API_TOKEN) {
    warnings.push('PAYOPS_API_TOKEN is not set: the /api/v1 read API refuses every request.');
  }
  return warnings;
}
