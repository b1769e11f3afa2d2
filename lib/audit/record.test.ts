import { describe, expect, it } from 'vitest';
import { storableEntry } from './record';

describe('storableEntry', () => {
  // A real checkpoint signature from a CI run: "d34220283659597f" holds a digit run the scrubber
  // reads as a card number, so in the details it came back cut and the checkpoint no longer matched.
  const signature = '5c33769c5ce1d34220283659597f90083f84f694a7858f56c293fde6196650e5';

  it('keeps digests PayOps computed exactly, while every other string is scrubbed', () => {
    const entry = storableEntry({ actor: 'system', action: 'audit.checkpoint', outcome: 'ok', details: { typed: signature }, digests: { signature } });
    const details = entry.details as Record<string, unknown>;
    expect(details.signature).toBe(signature);
    expect(details.typed).not.toBe(signature);
  });

  it('takes only 64 lowercase hex characters as a digest', () => {
    for (const bad of ['4111 1111 1111 1111', signature.toUpperCase(), `${signature}0`, '']) {
      expect(() => storableEntry({ actor: 'x', action: 'a', outcome: 'ok', digests: { d: bad } })).toThrow(/64 lowercase hex/);
    }
  });
});
