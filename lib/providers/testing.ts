import { ProviderError } from './types';

/**
 * Test helper: the error a promise rejects with, kept so a suite can check at the end that no
 * OTP, token or secret appears anywhere in any error it saw.
 */
export function errorCollector() {
  const seen: unknown[] = [];
  return {
    seen,
    async caught(promise: Promise<unknown>): Promise<ProviderError> {
      try {
        await promise;
      } catch (err) {
        seen.push(err);
        if (err instanceof ProviderError) return err;
        throw err;
      }
      throw new Error('expected the call to fail');
    },
    /** Every secret string that shows up in the message, stack or JSON of an error seen. */
    leaked(secrets: string[]): string[] {
      const text = seen.map((e) => `${String(e)}\n${(e as Error).stack}\n${JSON.stringify(e)}`).join('\n');
      return secrets.filter((s) => s && text.includes(s));
    },
  };
}
