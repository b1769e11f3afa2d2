import { afterEach, describe, expect, it } from 'vitest';
import { POST as echo } from './echo/route';
import { POST as insert } from './insert/route';

const post = (path: string) => new Request(`http://localhost${path}`, { method: 'POST', body: '{"a":1}' });

describe('benchmark floor routes', () => {
  const saved = process.env.PAYOPS_BENCH_ROUTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.PAYOPS_BENCH_ROUTES;
    else process.env.PAYOPS_BENCH_ROUTES = saved;
  });

  it('do not exist without PAYOPS_BENCH_ROUTES=1 (npm start never sets it)', async () => {
    for (const value of [undefined, '', '0', 'true']) {
      if (value === undefined) delete process.env.PAYOPS_BENCH_ROUTES;
      else process.env.PAYOPS_BENCH_ROUTES = value;
      expect((await echo(post('/api/bench/echo'))).status).toBe(404);
      // 404 before any database is opened: none is configured here.
      expect((await insert(post('/api/bench/insert'))).status).toBe(404);
    }
  });

  it('echo reads the body and answers when enabled', async () => {
    process.env.PAYOPS_BENCH_ROUTES = '1';
    const res = await echo(post('/api/bench/echo'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: 7 });
  });
});
