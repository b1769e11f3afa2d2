import { enkashStatusInfo, type StatusInfo } from '@/lib/payments/status';

/**
 * Rank and family of the status the OTP proxy gives a payment it records first. Juspay's
 * PENDING_VBV is open and ranked lowest, so the Juspay notification that follows always wins.
 */
export function statusInfoFor(provider: string, status: string): StatusInfo {
  if (provider === 'juspay') return { rank: 0, family: 'open', known: status === 'PENDING_VBV' };
  return enkashStatusInfo(status);
}
