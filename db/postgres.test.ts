import { describe, expect, it } from 'vitest';
import { DbVitals } from './postgres';

const unavailable = Object.assign(new Error('Query read timeout'), {});
const answered = Object.assign(new Error('duplicate key'), { code: '23505' });

describe('DbVitals', () => {
  it('counts a run of unavailability from the start of the first failed call, and a success ends it', () => {
    let now = 10_000;
    const v = new DbVitals(() => now);
    expect(v.failingForMs()).toBe(0);
    v.fail(unavailable, 6_000); // a call that hung for its whole 4 s deadline
    expect(v.failingForMs()).toBe(4_000);
    now = 12_000;
    v.fail(unavailable, 8_000);
    expect(v.failingForMs()).toBe(6_000);
    v.ok();
    expect(v.failingForMs()).toBe(0);
  });

  it('does not count an error the database answered', () => {
    const v = new DbVitals(() => 1_000);
    v.fail(answered, 0);
    expect(v.failingForMs()).toBe(0);
  });
});
