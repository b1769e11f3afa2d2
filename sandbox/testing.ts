import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEnv } from '@/lib/env';
import { createProviders, providersConfig } from '@/lib/providers';
import type { Providers } from '@/lib/providers';
import { startSandbox, type Sandbox, type SandboxOptions } from './server';

/**
 * For tests: a simulator on a free port and provider clients pointed at it. Each call builds
 * fresh clients (fresh token caches), so tests can count token requests.
 */
export async function startSandboxWithProviders(
  options: SandboxOptions & { timeoutMs?: number } = {},
): Promise<{ sandbox: Sandbox; providers: () => Providers }> {
  const sandbox = await startSandbox(options);
  const providers = () =>
    createProviders(providersConfig(parseEnv({ ...sandbox.env, PROVIDER_TIMEOUT_MS: String(options.timeoutMs ?? 2000) })));
  return { sandbox, providers };
}

export interface CapturedDelivery {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/**
 * For tests: a stand-in for PayOps' webhook endpoints that records every delivery and answers as
 * PayOps would about its credentials and body: 401 for a wrong key or Basic password (when one is
 * set), 400 for a body that is not JSON, otherwise 200 `{}`.
 */
export async function capturePayops(secrets: { enkashKey?: string; juspayPassword?: string } = {}) {
  const received: CapturedDelivery[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', 'http://payops.test');
    const password = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const given = password ? Buffer.from(password, 'base64').toString().split(':').slice(1).join(':') : null;
    let status = 200;
    if (url.pathname.endsWith('/enkash/notify') && secrets.enkashKey && url.searchParams.get('key') !== secrets.enkashKey) status = 401;
    else if (url.pathname.endsWith('/juspay') && secrets.juspayPassword && given !== secrets.juspayPassword) status = 401;
    else {
      try {
        JSON.parse(body);
      } catch {
        status = 400;
      }
    }
    received.push({ url: req.url ?? '', headers: req.headers, body, status });
    res.writeHead(status, { 'content-type': 'application/json' }).end(status === 200 ? '{}' : '{"error":{"code":"refused"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
