/** One error shape for every entry point: a code, a status, a message safe to show. */
export const ERROR_STATUS = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  // A sensitive action needs a fresh second-factor check on this session (lib/auth/guards.ts).
  step_up_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  provider_error: 502,
  unavailable: 503,
  provider_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
const CONNECTION_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'connection timeout',
  'Client has encountered a connection error',
  'PGlite is closed',
  'Cannot use a pool after calling end',
];

/**
 * True when an error means "the database is not there right now" rather than "this query is
 * wrong": the caller answers 503 so whoever sent the request tries again later.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') {
      if (CONNECTION_ERRNOS.has(code)) return true;
      // 08xxx connection exceptions, 57P0x shutdown / cannot connect now, 53300 too many connections, 57014 statement timeout
      if (/^08/.test(code) || /^57P0/.test(code) || code === '53300' || code === '57014') return true;
    }
    if (typeof message === 'string' && CONNECTION_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

// SQLSTATE classes meaning "the database will never accept this data", whoever retries it:
// data exception (a date or number out of range, a NUL, a bad escape), integrity constraint,
// program limit (a value too large to index). Unavailability (08, 53, 57…) is not among them.
const DATA_ERROR_CLASSES: Record<string, string> = {
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '54': 'program limit exceeded',
};

export interface DatabaseDataError {
  /** The five-character SQLSTATE, e.g. 22008. */
  sqlstate: string;
  /** Its class in words, e.g. "data exception". */
  className: string;
  /** For the log: the table, column or constraint the database named, e.g. ` (table deliveries)`; never a value. */
  where: string;
}

/**
 * The SQLSTATE of an error that means "this data cannot be stored" (see DATA_ERROR_CLASSES),
 * looked for through the `cause` chain (drizzle wraps driver errors); null for anything else.
 * Only the code is returned: the driver's message can quote the values it refused.
 */
export function databaseDataError(err: unknown): DatabaseDataError | null {
  if (isDatabaseUnavailable(err)) return null;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, table, column, constraint } = e as Record<string, unknown>;
    if (typeof code === 'string' && /^[0-9][0-9A-Z]{4}$/.test(code)) {
      const className = DATA_ERROR_CLASSES[code.slice(0, 2)];
      if (!className) return null;
      const names = Object.entries({ table, column, constraint }).filter(([, v]) => typeof v === 'string' && v !== '');
      return { sqlstate: code, className, where: names.length ? ` (${names.map(([k, v]) => `${k} ${v}`).join(', ')})` : '' };
    }
  }
  return null;
}
