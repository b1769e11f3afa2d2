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
