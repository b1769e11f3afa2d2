/**
 * A job failed for a reason worth trying again later: the provider timed out, answered 5xx or
 * garbage, or the database did not answer. The queue retries it with backoff; any other error
 * fails the job at once (a retry would only repeat a bug or a refusal) and lands it in the
 * failed list on /operations.
 */
export class RetryableJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableJobError';
  }
}

export function isRetryable(err: unknown): boolean {
  return err instanceof Error && err.name === 'RetryableJobError';
}
