import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { REVIEW_FLAGS } from '@/lib/payments/flags';
import { CASE_KINDS } from './kinds';

describe('case kinds', () => {
  it('are the same in TypeScript and in the triggers', () => {
    // The newest definition wins: the last migration that (re)defines the function.
    const dir = new URL('../../db/migrations/', import.meta.url);
    const sql = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .filter((text) => /FUNCTION payops_case_kinds\(\)/.test(text))
      .at(-1)!;
    const list = /payops_case_kinds\(\) RETURNS text\[\][\s\S]*?ARRAY\[([\s\S]*?)\]/.exec(sql)![1];
    const inSql = [...list.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(inSql).toEqual(Object.keys(CASE_KINDS).sort());
  });
  it('cover every flag a person must act on', () => {
    for (const f of REVIEW_FLAGS) expect(Object.keys(CASE_KINDS)).toContain(f);
  });
  it('are resolved by finance for money, support for status, admin for security', () => {
    expect(PERMISSIONS[CASE_KINDS.status_conflict.resolve]).toEqual(['finance', 'admin']);
    expect(PERMISSIONS[CASE_KINDS.stuck.resolve]).toEqual(['support', 'admin']);
    expect(PERMISSIONS[CASE_KINDS.unauthenticated.resolve]).toEqual(['admin']);
  });
});
