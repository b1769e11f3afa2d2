import { z } from 'zod';
import { parseJsonExact } from '@/lib/json';
import { parseMoney } from '@/lib/money';
import { parseProviderTime } from '@/lib/time';
import { garbage, replyAs, statusError, type CallContext, type ProviderReply } from '../http';
import type { SettlementLineReply, SettlementPayoutReply } from '../types';
import { enkashError } from './replies';

/**
 * Enkash settlement payouts (DESIGN.md "Refunds, settlements and order status"): Search Settlement
 * Payouts and Get Settlement Payout. Replies are read with parseJsonExact, so every amount stays
 * the decimal text Enkash sent (`0.0000`), never a float; a value that is not an amount is refused
 * as garbage rather than guessed at.
 */

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === '' ? null : String(v)));

const money = text.transform((v, ctx) => {
  if (v === null) return null;
  const parsed = parseMoney(v);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: 'not an amount' });
    return z.NEVER;
  }
  return parsed.value;
});

export const settlementLineSchema = z.object({
  settlementTransactionId: z.string().min(1).max(200),
  saleAmount: money,
  txnAmount: money,
  taxAmount: money,
  charges: money,
  settlementAmount: money,
  transactionType: text,
  settlementStatus: text,
  acquirerGstAmount: money,
  merchantMdrMode: text,
  merchantMdr: money,
  netProfit: money,
  profitGst: money,
}) satisfies z.ZodType<SettlementLineReply, unknown>;

export const settlementPayoutSchema = z.object({
  settlementPayoutId: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  totalSaleAmount: money,
  totalRefundAmount: money,
  totalCharges: money,
  totalGst: money,
  totalSettlementAmount: money,
  refundChargebackAmount: money,
  carryForwardAmount: money,
  adjustmentAmount: money,
  payoutStatus: text,
  payoutMode: text,
  utr: text,
  payoutDate: text,
  transferId: text,
  transferResponseReason: text,
  settlementTransactionResponses: z.array(settlementLineSchema).nullish(),
});

const envelope = z.object({
  response_code: z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number),
  response_message: z.string().nullish(),
  payload: z.unknown().optional(),
});

// How Search lists its page is not published: an array, or an object holding one under a common name.
const LIST_KEYS = ['settlementPayouts', 'content', 'data', 'records', 'items'];
const TOTAL_KEYS = ['total', 'totalElements', 'totalCount', 'count'];

function exactJson(ctx: CallContext, reply: ProviderReply): unknown {
  const parsed = parseJsonExact(reply.text);
  if (!parsed.ok) throw garbage(ctx, reply, 'not JSON');
  return parsed.value;
}

function okPayload(ctx: CallContext, reply: ProviderReply): unknown {
  if (reply.status >= 300) throw enkashError(ctx, reply);
  const env = replyAs(ctx, reply, envelope, exactJson(ctx, reply));
  if (env.response_code !== 0) {
    const message = env.response_message ?? '';
    throw statusError(ctx, reply, message, /not\s*found/i.test(message) ? 'not_found' : 'invalid_input');
  }
  return env.payload;
}

function toPayout(p: z.infer<typeof settlementPayoutSchema>): SettlementPayoutReply {
  const { payoutDate, settlementTransactionResponses, ...rest } = p;
  return { ...rest, payoutAt: parseProviderTime(payoutDate), lines: settlementTransactionResponses ?? [] };
}

export function payoutResult(ctx: CallContext, reply: ProviderReply): SettlementPayoutReply {
  return toPayout(replyAs(ctx, reply, settlementPayoutSchema, okPayload(ctx, reply)));
}

export function searchResult(ctx: CallContext, reply: ProviderReply): { payouts: SettlementPayoutReply[]; total: number | null } {
  const payload = okPayload(ctx, reply);
  const obj = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : null;
  const list = Array.isArray(payload) ? payload : LIST_KEYS.map((k) => obj?.[k]).find(Array.isArray);
  if (!list) throw garbage(ctx, reply, 'no list of payouts');
  const totalRaw = TOTAL_KEYS.map((k) => obj?.[k]).find((v) => v !== undefined && v !== null);
  const total = totalRaw !== undefined && /^\d+$/.test(String(totalRaw)) ? Number(totalRaw) : null;
  const payouts = replyAs(ctx, reply, z.array(settlementPayoutSchema), list).map(toPayout);
  return { payouts, total };
}
