import { describe, expect, it } from 'vitest';
import { throttleKeys } from './throttle';

describe('throttleKeys', () => {
  it('keys on the typed email and address, scrubbed like every stored text', () => {
    expect(throttleKeys('Ops@Example.com', '203.0.113.7')).toEqual(['email:ops@example.com', 'ip:203.0.113.7']);
    expect(throttleKeys('4111 1111 1111 1111\u0000', null)).toEqual(['email:XXXX1111\uFFFD']);
  });
});
