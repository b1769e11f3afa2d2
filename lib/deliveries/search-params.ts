import { z } from 'zod';
import type { DeliveryOutcome } from '@/db/schema';

export const DELIVERY_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const satisfies readonly DeliveryOutcome[];
export const DELIVERIES_PAGE_SIZE = 50;

/**
 * The deliveries page's URL: `outcome` (absent = all) and `cursor`, the id of the last row of
 * the previous page (its (received_at, id) is read back in SQL, so no timestamp loses its
 * microseconds in a round trip through the URL).
 */
export const deliverySearchSchema = z.object({
  outcome: z.enum(DELIVERY_OUTCOMES).optional(),
  cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export type DeliverySearch = z.infer<typeof deliverySearchSchema>;

/** A bad parameter falls back to the unfiltered list (and says so), never to an error page. */
export function parseDeliverySearch(params: Record<string, string | string[] | undefined>): { search: DeliverySearch; invalid: boolean } {
  const raw = Object.fromEntries(
    Object.entries(params)
      .map(([k, v]) => [k, Array.isArray(v) ? v[0] : v])
      .filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
  );
  const parsed = deliverySearchSchema.safeParse(raw);
  return parsed.success ? { search: parsed.data, invalid: false } : { search: {}, invalid: true };
}
