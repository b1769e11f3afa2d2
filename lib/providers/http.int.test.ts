import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REPLY_BYTES, providerFetch } from './http';
import { ProviderError } from './types';

// Transport failures the simulator does not produce: oversized replies, refused and dropped connections.
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big-declared') res.writeHead(200, { 'content-length': String(MAX_REPLY_BYTES + 1) }).end('x'.repeat(MAX_REPLY_BYTES + 1));
    else if (req.url === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 40; i++) res.write('y'.repeat(8 * 1024));
      res.end();
    } else if (req.url === '/drop') req.socket.destroy();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('fine');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const send = { provider: 'juspay' as const, operation: 'resend OTP', timeoutMs: 2000, send: true };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err as ProviderError,
  );

describe('providerFetch transport failures', () => {
  it('refuses a reply over the cap, declared or streamed', async () => {
    for (const path of ['/big-declared', '/big-chunked']) {
      const err = await failure(providerFetch(send, { method: 'GET', url: `${base}${path}` }));
      expect(err).toBeInstanceOf(ProviderError);
      expect([err.code, err.message]).toEqual(['provider_error', 'Juspay resend OTP: the reply is larger than 256 KiB.']);
    }
    await expect(providerFetch(send, { method: 'GET', url: `${base}/ok` })).resolves.toMatchObject({ status: 200, text: 'fine' });
  });

  it('a send on a dropped connection may have happened; on a refused one it did not', async () => {
    const dropped = await failure(providerFetch(send, { method: 'POST', url: `${base}/drop` }));
    expect(dropped).toMatchObject({ code: 'provider_error', details: { outcomeUnknown: true } });

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await failure(providerFetch(send, { method: 'POST', url: `http://127.0.0.1:${port}/x` }));
    expect(refused.code).toBe('provider_error');
    expect(refused.message).toMatch(/could not be reached \(ECONNREFUSED\)/);
    expect(refused.details.outcomeUnknown).toBeUndefined();
  });
});
