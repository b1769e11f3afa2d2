import { describe, expect, it } from 'vitest';
import { checkAmounts } from './amount-check';
import type { DeliveryRow } from './queries';
import { buildTimeline, describeEffect } from './timeline';

const row = (overrides: Partial<DeliveryRow>): DeliveryRow => ({
  deliveryId: 1,
  receivedAt: new Date('2025-02-07T08:30:05Z'),
  outcome: 'accepted',
  effect: 'created',
  auth: 'ok',
  sourceIp: '203.0.113.7',
  deliveryFlags: [],
  eventId: 10,
  eventStatus: 'PENDING_WITH_BANK',
  eventTxnAt: null,
  eventFlags: [],
  duplicateCount: 0,
  ...overrides,
});

describe('payment timeline', () => {
  it('says in words what each delivery did', () => {
    expect(describeEffect('accepted', 'created')).toMatch(/Created/);
    expect(describeEffect('accepted', 'applied')).toMatch(/Moved/);
    expect(describeEffect('accepted', 'refreshed')).toMatch(/refreshed/);
    expect(describeEffect('accepted', 'stale')).toMatch(/changed nothing/);
    expect(describeEffect('accepted', 'conflict')).toMatch(/Contradicts/);
    expect(describeEffect('duplicate', null)).toMatch(/repeat/);
    expect(describeEffect('accepted', 'something_new')).toMatch(/not recorded/);
  });

  it('counts events, duplicates and conflicts, and keeps each payload once', () => {
    const t = buildTimeline([
      row({ deliveryId: 1, eventId: 10, payload: { status: 'PENDING_WITH_BANK' } }),
      row({ deliveryId: 2, eventId: 11, eventStatus: 'SUCCESS', effect: 'applied', duplicateCount: 2, payload: { status: 'SUCCESS' } }),
      row({ deliveryId: 3, eventId: 11, eventStatus: 'SUCCESS', outcome: 'duplicate', effect: null, duplicateCount: 2, eventFlags: ['amount_mismatch'], deliveryFlags: ['unauthenticated'], payload: { status: 'SUCCESS' } }),
      row({ deliveryId: 4, eventId: 11, eventStatus: 'SUCCESS', outcome: 'duplicate', effect: null, duplicateCount: 2, payload: { status: 'SUCCESS' } }),
      row({ deliveryId: 5, eventId: 12, eventStatus: 'FAILED', effect: 'conflict', eventFlags: ['status_conflict'], payload: { status: 'FAILED' } }),
    ]);
    expect(t.entries.map((e) => e.deliveryId)).toEqual([1, 2, 3, 4, 5]);
    expect(t).toMatchObject({ events: 3, duplicates: 2, conflicts: 1 });
    expect(t.payloads.map((p) => p.eventId)).toEqual([10, 11, 12]);
    expect(t.entries[2].flags).toEqual(['unauthenticated']);
    expect(t.entries[4].flags).toEqual(['status_conflict']);
  });

  it('has no payloads when they were not read', () => {
    expect(buildTimeline([row({})]).payloads).toEqual([]);
  });
});

describe('amount check', () => {
  it('adds amount, surcharge and surcharge GST exactly', () => {
    expect(checkAmounts({ amount: '0.1000', surcharge: '0.2000', surchargeGst: '0.0000', finalAmount: '0.3000' })).toEqual({ kind: 'ok', expected: '0.3000' });
    expect(checkAmounts({ amount: '500.0000', surcharge: null, surchargeGst: null, finalAmount: '500.0000' })).toEqual({ kind: 'ok', expected: '500.0000' });
  });

  it('shows the difference, signed, when they disagree', () => {
    expect(checkAmounts({ amount: '100.0000', surcharge: '2.0000', surchargeGst: '0.3600', finalAmount: '103.3600' })).toEqual({
      kind: 'mismatch',
      expected: '102.3600',
      difference: '1.0000',
    });
    expect(checkAmounts({ amount: '100.0000', surcharge: '2.0000', surchargeGst: '0.3600', finalAmount: '102.3500' })).toMatchObject({ difference: '-0.0100' });
  });

  it('cannot check without an amount or a final amount', () => {
    expect(checkAmounts({ amount: null, surcharge: null, surchargeGst: null, finalAmount: '1.0000' })).toEqual({ kind: 'incomplete' });
    expect(checkAmounts({ amount: '1.0000', surcharge: null, surchargeGst: null, finalAmount: null })).toEqual({ kind: 'incomplete' });
  });
});
