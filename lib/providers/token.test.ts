import { describe, expect, it } from 'vitest';
import { TokenCache } from './token';

function issuer(lifetimeMs: number, clock: { now: number }) {
  let issued = 0;
  let fail = false;
  return {
    get issued() {
      return issued;
    },
    failNext() {
      fail = true;
    },
    issue: async () => {
      await Promise.resolve();
      if (fail) {
        fail = false;
        throw new Error('token endpoint down');
      }
      issued += 1;
      return { value: `t${issued}`, obtainedAt: clock.now, expiresAt: clock.now + lifetimeMs };
    },
  };
}

describe('TokenCache', () => {
  it('keeps a token until shortly before it expires (a tenth of its life, at most 30 s)', async () => {
    const clock = { now: 0 };
    const i = issuer(60 * 60_000, clock);
    const cache = new TokenCache(i.issue, () => clock.now);
    expect(await cache.get()).toBe('t1');
    clock.now = 60 * 60_000 - 30_001;
    expect(await cache.get()).toBe('t1');
    clock.now = 60 * 60_000 - 30_000;
    expect(await cache.get()).toBe('t2');

    const short = issuer(1000, clock);
    const c2 = new TokenCache(short.issue, () => clock.now);
    const start = clock.now;
    await c2.get();
    clock.now = start + 899;
    expect(await c2.get()).toBe('t1');
    clock.now = start + 900;
    expect(await c2.get()).toBe('t2');
  });

  it('runs one renewal however many callers wait, and a failed one is not cached', async () => {
    const clock = { now: 0 };
    const i = issuer(60_000, clock);
    const cache = new TokenCache(i.issue, () => clock.now);
    expect(await Promise.all(Array.from({ length: 10 }, () => cache.get()))).toEqual(Array(10).fill('t1'));
    expect(i.issued).toBe(1);

    cache.invalidate('t1');
    i.failNext();
    await expect(Promise.all([cache.get(), cache.get()])).rejects.toThrow('token endpoint down');
    expect(await cache.get()).toBe('t2');
  });

  it('invalidates only the token that was refused', async () => {
    const clock = { now: 0 };
    const i = issuer(60_000, clock);
    const cache = new TokenCache(i.issue, () => clock.now);
    await cache.get();
    cache.invalidate('t1');
    expect(await cache.get()).toBe('t2');
    cache.invalidate('t1'); // a late 401 for the old token
    expect(await cache.get()).toBe('t2');
    expect(i.issued).toBe(2);
  });
});
