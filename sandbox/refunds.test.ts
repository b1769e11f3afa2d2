import { afterEach, describe, expect, it } from 'vitest';
import { RefundLedger, type SandboxRefund } from './refunds';

let ledger: RefundLedger | null = null;
afterEach(() => ledger?.close());

describe('refund ledger', () => {
  it('makes a refund final when it is read past its time, once, without waiting for its timer', () => {
    const finals: SandboxRefund[] = [];
    ledger = new RefundLedger(60_000, (r) => finals.push({ ...r }));
    const r = ledger.create({ provider: 'juspay', paymentId: 'O1', requestId: 'rq', amount: '10.0000', outcome: 'success' });
    expect(r).toMatchObject({ status: 'PENDING', sentToGateway: false, arn: null });
    ledger.settle(Date.now() + 1000);
    expect(finals).toHaveLength(0);
    ledger.settle(Date.now() + 60_001);
    ledger.settle(Date.now() + 120_000);
    expect(finals).toMatchObject([{ id: r.id, status: 'SUCCESS', sentToGateway: true }]);
    expect(finals[0].arn).toMatch(/^[1-9]\d{11}$/);
    expect(ledger.refunded('juspay', 'O1')).toBe('10.0000');
  });

  it('counts failed refunds out of what is spoken for; a stuck one never settles', () => {
    ledger = new RefundLedger(0, () => {});
    ledger.create({ provider: 'enkash', paymentId: 'EK1', requestId: 'a', amount: '1.2500', outcome: 'failure' });
    ledger.create({ provider: 'enkash', paymentId: 'EK1', requestId: 'b', amount: '2.0000', outcome: null });
    ledger.settle(Date.now() + 1);
    expect(ledger.list('enkash', 'EK1').map((r) => r.status)).toEqual(['FAILED', 'CREATED']);
    expect(ledger.committed('enkash', 'EK1')).toBe('2.0000');
    expect(ledger.refunded('enkash', 'EK1')).toBe('0.0000');
  });
});
