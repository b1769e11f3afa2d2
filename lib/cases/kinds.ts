import type { Permission } from '@/lib/auth/permissions';

/**
 * The flag kinds that become cases, and who may resolve each. The same list is in SQL
 * (payops_case_kinds(), last defined in migration refunds); kinds.test.ts keeps the two equal.
 *
 * Who resolves what (the roles are in lib/auth/permissions.ts):
 * - money flags (`cases.resolve_money`: finance, admin): whether, and how much, the customer was
 *   charged — a status contradicted by a later notification or by the provider's status API, a final
 *   status whose notification never came, an amount that does not add up or changed. Their answer
 *   changes the totals finance reports, and finding it means the provider's settlement reports.
 * - status flags (`cases.resolve_status`: support, admin): a payment stuck open at the bank, a
 *   status PayOps does not know, a card number cut from a notification. Support is on the phone with
 *   the customer and the provider for these; no total moves when they close.
 * - refund flags (`cases.resolve_money`): a refund with no final answer for days, or whose send
 *   never answered; finance follows money that left (or may have left) the merchant.
 * - `unauthenticated` (`cases.resolve_security`: admin): a notification taken while no webhook
 *   secret was set could have come from anyone; only the people who hold the secrets can judge it.
 */
export const CASE_KINDS = {
  status_conflict: { label: 'Status conflict', resolve: 'cases.resolve_money' },
  provider_mismatch: { label: 'Provider disagrees', resolve: 'cases.resolve_money' },
  notify_missing: { label: 'Notification missing', resolve: 'cases.resolve_money' },
  amount_mismatch: { label: 'Amount does not add up', resolve: 'cases.resolve_money' },
  amount_changed: { label: 'Amount changed', resolve: 'cases.resolve_money' },
  stuck: { label: 'Stuck at the provider', resolve: 'cases.resolve_status' },
  unknown_status: { label: 'Unknown status', resolve: 'cases.resolve_status' },
  card_number_scrubbed: { label: 'Card number cut', resolve: 'cases.resolve_status' },
  unauthenticated: { label: 'Unauthenticated notification', resolve: 'cases.resolve_security' },
  // Refunds (lib/refunds): money leaving the merchant whose end is not known; finance follows it up.
  refund_stuck: { label: 'Refund stuck', resolve: 'cases.resolve_money' },
  refund_unknown: { label: 'Refund outcome unknown', resolve: 'cases.resolve_money' },
} as const satisfies Record<string, { label: string; resolve: Permission }>;

export type CaseKind = keyof typeof CASE_KINDS;
export const isCaseKind = (k: string): k is CaseKind => Object.hasOwn(CASE_KINDS, k);
export const caseKindLabel = (k: string) => (isCaseKind(k) ? CASE_KINDS[k].label : k);
export const resolvePermission = (k: string): Permission => (isCaseKind(k) ? CASE_KINDS[k].resolve : 'cases.resolve_security');

/** How a case may end: a fixed list, so outcomes can be counted; the note says the rest. */
export const RESOLUTIONS = {
  confirmed_with_provider: 'Confirmed with the provider',
  customer_refunded: 'Customer refunded',
  reversed_by_bank: 'Reversed by the bank',
  duplicate_notification: 'Duplicate notification',
  provider_error_no_action: 'Provider error, no action',
  not_a_problem: 'Checked: nothing wrong',
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
export const RESOLUTION_KEYS = Object.keys(RESOLUTIONS) as [Resolution, ...Resolution[]];
export const resolutionLabel = (r: string | null) => (r && Object.hasOwn(RESOLUTIONS, r) ? RESOLUTIONS[r as Resolution] : r);

/** Resolutions that say the customer has their money back: the payment leaves "Money stuck at the bank". */
export const MONEY_BACK_RESOLUTIONS: readonly Resolution[] = ['customer_refunded', 'reversed_by_bank'];

export const NOTE_MAX = 2000;
