import { env } from '@/lib/env';
import { providersConfig, type ProvidersConfig } from './config';
import { createEnkashPgClient } from './enkash/client';
import { createEnkashWalletClient } from './enkash-wallet/client';
import { createJuspayClient } from './juspay/client';
import type { Providers } from './types';

export * from './types';
export { providersConfig, type ProvidersConfig } from './config';

export function createProviders(config: ProvidersConfig): Providers {
  return {
    enkash: createEnkashPgClient(config.enkash, config.timeoutMs),
    enkashWallet: createEnkashWalletClient(config.enkashWallet, config.timeoutMs),
    juspay: createJuspayClient(config.juspay, config.timeoutMs),
  };
}

// On globalThis, since Next bundles routes separately: one token cache per process, not per route.
const GLOBAL_KEY = Symbol.for('payops.providers');
type Holder = { [GLOBAL_KEY]?: Providers };

/** The process-wide provider clients, built once from the environment. */
export function getProviders(): Providers {
  const holder = globalThis as Holder;
  holder[GLOBAL_KEY] ??= createProviders(providersConfig(env()));
  return holder[GLOBAL_KEY];
}

/** Makes `providers` the process-wide clients (tests point them at a sandbox); undefined rebuilds from the environment. */
export function useProviders(providers: Providers | undefined): void {
  (globalThis as Holder)[GLOBAL_KEY] = providers;
}
