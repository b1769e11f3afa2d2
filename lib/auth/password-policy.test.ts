import { describe, expect, it } from 'vitest';
import { judgePassword } from './password-policy';

describe('password strength', () => {
  const who = { email: 'asha.rao@payops.test', name: 'Asha Rao' };

  it('refuses short, common, patterned and personal passwords, with a reason in words', () => {
    expect(judgePassword('short', who)).toEqual({ ok: false, message: 'Use at least 12 characters.' });
    for (const weak of ['password1234', 'qwertyuiop12', '123456789012', 'asha.rao@payops.test', 'payopspayops', 'aaaaaaaaaaaa']) {
      const verdict = judgePassword(weak, who);
      expect(verdict.ok, weak).toBe(false);
      if (!verdict.ok) expect(verdict.message).toMatch(/^That password is too easy to guess\./);
    }
  });

  it('accepts long passphrases and generated passwords', () => {
    expect(judgePassword('correct horse battery staple', who)).toEqual({ ok: true });
    expect(judgePassword('tH9-qq2V-pL4x-W8mz', who)).toEqual({ ok: true });
  });
});
