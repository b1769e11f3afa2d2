import { z } from 'zod';
import { findCardNumbers } from '@/lib/cards';

/**
 * A provider's own id as the merchant's systems send it (a transaction, order or challenge id).
 * Looked up and stored as given, so one that is — or holds — a card number is refused, never altered.
 */
export const providerIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\w.:@-]+$/, 'letters, digits and . _ : @ - only')
  .refine((v) => findCardNumbers(v, 'identifier').length === 0, 'must not be a card number');
