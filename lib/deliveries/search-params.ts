import { z } from 'zod';
import type { DeliveryOutcome } from '@/db/schema';
import { parsePageParams, type PageParams } from '@/lib/http/page-params';
import { storableText } from '@/lib/text';

export const DELIVERY_OUTCOMES = ['accepted', 'duplicate', 'rejected'] as const satisfies readonly DeliveryOutcome[];
export const DELIVERIES_PAGE_SIZE = 50;

/**
 * The deliveries page's URL: `outcome` (absent = all), `q` (a transaction id) and `cursor`, the id of the last row of
 * the previous page (its (received_at, id) is read back in SQL, so no timestamp loses its
 * microseconds in a round trip through the URL).
 */
export const deliverySearchSchema = z.object({
  outcome: z.enum(DELIVERY_OUTCOMES).optional(),
  // A transaction id in any case, whole or (from 6 characters) its beginning.
  q: z
    .string()
    .trim()
    .max(128)
    .transform((v) => storableText(v).text)
    .optional(),
  cursor: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
});

export type DeliverySearch = z.infer<typeof deliverySearchSchema>;

export function parseDeliverySearch(params: PageParams): { search: DeliverySearch; invalid: boolean } {
  return parsePageParams(deliverySearchSchema, params);
}
