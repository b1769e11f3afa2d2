import type { z } from 'zod';

export type PageParams = Record<string, string | string[] | undefined>;

/**
 * A page's search parameters through its schema: first value of each, empty ones dropped. A bad
 * parameter falls back to the unfiltered page (and says so), never to an error page.
 */
export function parsePageParams<S extends z.ZodType<object>>(schema: S, params: PageParams): { search: Partial<z.infer<S>>; invalid: boolean } {
  const raw = Object.fromEntries(
    Object.entries(params)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
  );
  const parsed = schema.safeParse(raw);
  return parsed.success ? { search: parsed.data, invalid: false } : { search: {}, invalid: true };
}
