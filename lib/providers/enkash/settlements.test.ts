import { describe, expect, it } from 'vitest';
import type { ProviderReply } from '../http';
import { payoutResult, searchResult } from './settlements';

const ctx = { provider: 'enkash' as const, operation: 'test', timeoutMs: 1000 };
const reply = (status: number, text: string): ProviderReply => ({ status, contentType: 'application/json', text });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'no error';
};

// Amounts as Enkash sends them: JSON numbers with four decimals, and strings.
const PAYOUT = `{"settlementPayoutId":"SP1","totalSaleAmount":1234567890123.4567,"totalRefundAmount":"0.00","totalCharges":0.1,"totalGst":0.0180,
  "totalSettlementAmount":1234567890123.3387,"refundChargebackAmount":null,"carryForwardAmount":0,"adjustmentAmount":-5.25,"payoutStatus":"INIT",
  "payoutMode":"IMPS","utr":"UTR1","payoutDate":"2026-11-28 10:45:00","transferId":"T1","transferResponseReason":null,
  "settlementTransactionResponses":[{"settlementTransactionId":"EK1","saleAmount":500.0000,"txnAmount":"500.00","taxAmount":0.1800,"charges":1.0000,
  "settlementAmount":498.8200,"transactionType":"SALE","settlementStatus":"PENDING","acquirerGstAmount":null,"merchantMdrMode":"PERCENTAGE",
  "merchantMdr":0.2,"netProfit":0,"profitGst":0}]}`;

describe('Enkash settlement payout replies', () => {
  it('keeps every amount as its exact decimal text, reads payoutDate as India time', () => {
    const p = payoutResult(ctx, reply(200, `{"response_code":0,"response_message":"SUCCESS","payload":${PAYOUT}}`));
    expect(p.totalSaleAmount).toBe('1234567890123.4567');
    expect(p.totalCharges).toBe('0.1000');
    expect(p.adjustmentAmount).toBe('-5.2500');
    expect(p.refundChargebackAmount).toBeNull();
    expect(p.payoutAt?.toISOString()).toBe('2026-11-28T05:15:00.000Z');
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0]).toMatchObject({ settlementTransactionId: 'EK1', saleAmount: '500.0000', taxAmount: '0.1800', transactionType: 'SALE' });
  });

  it('reads a search page as an array or under a list key, with its total', () => {
    const summary = PAYOUT.replace(/,\s*"settlementTransactionResponses":\[.*\]\}$/s, '}');
    expect(searchResult(ctx, reply(200, `{"response_code":0,"payload":{"content":[${summary}],"totalElements":7}}`))).toMatchObject({ total: 7, payouts: [{ settlementPayoutId: 'SP1', lines: [] }] });
    expect(searchResult(ctx, reply(200, `{"response_code":0,"payload":[${summary}]}`)).payouts).toHaveLength(1);
  });

  it('refuses what is not an amount, an unknown payout and a page without a list', () => {
    expect(codeOf(() => payoutResult(ctx, reply(200, `{"response_code":0,"payload":${PAYOUT.replace('"0.00"', '"abc"')}}`)))).toBe('provider_error');
    expect(codeOf(() => payoutResult(ctx, reply(404, '{"response_code":404,"response_message":"Settlement payout not found"}')))).toBe('not_found');
    expect(codeOf(() => payoutResult(ctx, reply(200, '{"response_code":1,"response_message":"Payout not found"}')))).toBe('not_found');
    expect(codeOf(() => searchResult(ctx, reply(200, '{"response_code":0,"payload":{"nothing":1}}')))).toBe('provider_error');
  });
});
