// What a provider check finds about a payment PayOps still holds open (used by verify.ts).

export interface SweepFlagInput {
  /** The status family PayOps holds (from notifications) and the one the provider reports now. */
  heldFamily: string;
  reportedFamily: string | null;
  /** When the last notification changed the payment, and when the payment began. */
  lastNotificationAt: Date;
  txnAt: Date;
  now: Date;
  notifyMissingMinutes: number;
  stuckAfterMinutes: number;
}

/**
 * What a check adds when PayOps still holds a payment open: `notify_missing` when the provider
 * reports it final and no notification came for `notifyMissingMinutes` (the provider finished it,
 * PayOps never heard), `stuck` when the provider still has it open `stuckAfterMinutes` after it
 * began. The status itself never moves here; a person (or the late notification) settles it.
 */
export function sweepFlags(input: SweepFlagInput): string[] {
  if (input.heldFamily !== 'open' || input.reportedFamily === null) return [];
  const minutes = (from: Date) => (input.now.getTime() - from.getTime()) / 60_000;
  if (input.reportedFamily !== 'open') return minutes(input.lastNotificationAt) >= input.notifyMissingMinutes ? ['notify_missing'] : [];
  return minutes(input.txnAt) >= input.stuckAfterMinutes ? ['stuck'] : [];
}
