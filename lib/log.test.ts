import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeError, logError, logWarn } from './log';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logError', () => {
  it('scrubs the message, the Postgres detail, the stack and the causes', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const pg = Object.assign(new Error('null value in column "x" violates not-null constraint'), {
      code: '23502',
      detail: 'Failing row contains (1, 4111 1111 1111 1111, null).',
    });
    const err = new Error('ingest failed for 5555555555554444', { cause: pg });
    logError('[webhook] card 4111111111111111:', err);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('[webhook] card XXXX1111:');
    expect(lines[0]).toContain('ingest failed for XXXX4444');
    expect(lines[0]).toContain('detail: Failing row contains (1, XXXX1111, null).');
    expect(lines[0]).toContain('code: 23502');
    expect(lines[0]).not.toMatch(/4111 1111|4111111111111111|5555555555554444/);
  });

  it('describes what is not an Error, and stops at a cause cycle', () => {
    expect(describeError({ pan: '4111111111111111' })).toBe('{"pan":"XXXX1111"}');
    expect(describeError('4111-1111-1111-1111')).toBe('XXXX1111');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    expect(describeError(a)).toContain('caused by:');
  });

  it('logWarn scrubs too', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((line: string) => void lines.push(line));
    logWarn('mismatch for 4111 1111 1111 1111');
    expect(lines).toEqual(['mismatch for XXXX1111']);
  });
});
