import { describe, expect, it } from 'vitest';
import { sweepFlags } from './sweep-flags';

const now = new Date('2026-11-29T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const base = { heldFamily: 'open', now, notifyMissingMinutes: 10, stuckAfterMinutes: 60, lastNotificationAt: minutesAgo(30), txnAt: minutesAgo(30) };

describe('sweepFlags', () => {
  it('flags notify_missing when the provider is final and no notification came for N minutes', () => {
    expect(sweepFlags({ ...base, reportedFamily: 'success' })).toEqual(['notify_missing']);
    expect(sweepFlags({ ...base, reportedFamily: 'failed' })).toEqual(['notify_missing']);
    // A notification a minute ago may be the final one on its way: not yet.
    expect(sweepFlags({ ...base, reportedFamily: 'success', lastNotificationAt: minutesAgo(1) })).toEqual([]);
  });
  it('flags stuck when the provider still has it open past the expected time', () => {
    expect(sweepFlags({ ...base, reportedFamily: 'open', txnAt: minutesAgo(61) })).toEqual(['stuck']);
    expect(sweepFlags({ ...base, reportedFamily: 'open', txnAt: minutesAgo(59) })).toEqual([]);
  });
  it('adds nothing for a payment PayOps already holds final, or one the provider does not know', () => {
    expect(sweepFlags({ ...base, heldFamily: 'success', reportedFamily: 'success' })).toEqual([]);
    expect(sweepFlags({ ...base, reportedFamily: null, txnAt: minutesAgo(600) })).toEqual([]);
  });
});
