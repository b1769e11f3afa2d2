import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { databaseDataError, isDatabaseUnavailable } from './errors';

const pgError = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(`some driver message quoting "4111111111111111"`), { code, ...extra });

describe('databaseDataError', () => {
  it.each([
    ['22008', 'data exception'],
    ['22P05', 'data exception'],
    ['22021', 'data exception'],
    ['23502', 'integrity constraint violation'],
    ['23505', 'integrity constraint violation'],
    ['54000', 'program limit exceeded'],
  ])('takes SQLSTATE %s as data the database refuses (%s)', (code, className) => {
    expect(databaseDataError(pgError(code))).toEqual({ sqlstate: code, className, where: '' });
  });

  it('finds the code through drizzle wrapping, and names where without quoting a value', () => {
    const wrapped = new DrizzleQueryError('insert into "deliveries" …', ['4111111111111111'], pgError('22001', { table: 'deliveries', column: 'body' }));
    const found = databaseDataError(wrapped);
    expect(found).toEqual({ sqlstate: '22001', className: 'data exception', where: ' (table deliveries, column body)' });
    expect(JSON.stringify(found)).not.toContain('4111');
  });

  it.each([
    ['08006', 'connection failure'],
    ['57P01', 'admin shutdown'],
    ['57014', 'statement timeout'],
    ['53300', 'too many connections'],
    ['53100', 'disk full'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock'],
    ['42P01', 'undefined table: a bug, not data'],
    ['XX000', 'internal error'],
    ['EPIPE', 'a socket error'],
    ['ECONNRESET', 'a socket error'],
  ])('leaves SQLSTATE/errno %s (%s) to the 5xx path', (code) => {
    expect(databaseDataError(pgError(code))).toBeNull();
  });

  it('leaves an unavailable database to the 5xx path even when a data code is nested deeper', () => {
    const err = Object.assign(new Error('Connection terminated unexpectedly'), { cause: pgError('22008') });
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(databaseDataError(err)).toBeNull();
  });

  it.each([null, undefined, 'text', new Error('plain'), { code: 22008 }])('is null for %s', (err) => {
    expect(databaseDataError(err)).toBeNull();
  });
});
