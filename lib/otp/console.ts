import { z } from 'zod';
import type { OtpKind } from '@/db/schema';
import { scrubbedText } from '@/lib/text';
import type { AttemptResult } from './ledger';
import { OTP_REASONS } from './reasons';
import type { OtpRefs } from './refs';


const note = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  // Kept in otp_attempts and, for good, in the insert-only audit log: no card number, no NUL.
  .transform((v) => scrubbedText(v));
// A wallet card id in the request: the form has none, so only an old page or a crafted POST sends
// one. It is compared with the payment's stored card, never used (lib/otp/refs.ts); any string is
// taken, cut to 128 characters for the audit row, since a refusal is recorded, not a field error.
const namedId = z
  .string()
  .trim()
  .transform((v) => v.slice(0, 128) || undefined)
  .optional();

const form = z.object({
  transactionId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  reasonCode: z.enum(Object.keys(OTP_REASONS) as [ReasonCode, ...ReasonCode[]], 'pick a reason'),
  reasonNote: note.default(''),
  // What the page saw when it rendered (see consoleIdempotencyKey).
  attemptKey: z.string().regex(/^[\w-]{1,64}$/),
});
type ReasonCode = keyof typeof OTP_REASONS;

/** The reason as recorded: the chosen one, with the note when there is one. */
const withReason = ({ reasonCode, reasonNote, ...rest }: z.infer<typeof form>) => ({
  ...rest,
  reason: reasonNote ? `${OTP_REASONS[reasonCode]}: ${reasonNote}` : OTP_REASONS[reasonCode],
});
const otherNeedsNote = (v: z.infer<typeof form>) => v.reasonCode !== 'other' || v.reasonNote !== '';

export const resendFormSchema = form
  .refine(otherNeedsNote, { path: ['reasonNote'], message: 'describe the reason' })
  .transform((v) => ({ ...withReason(v), refs: {} satisfies OtpRefs }));
export const walletOtpFormSchema = form
  .extend({ cardAccountId: namedId, enKashCardId: namedId })
  .refine(otherNeedsNote, { path: ['reasonNote'], message: 'describe the reason' })
  .transform(({ cardAccountId, enKashCardId, ...v }) => ({ ...withReason(v), refs: { cardAccountId, enKashCardId } satisfies OtpRefs }));

/**
 * The console's idempotency key: the agent, the payment, the action and how many attempts the
 * page had seen when it rendered. A double click, or two tabs opened on the same state, send the
 * same key and make one provider call; after any attempt the page renders a new one.
 */
export function consoleIdempotencyKey(userId: number, transactionId: number, kind: OtpKind, attemptKey: string): string {
  return `console:u${userId}:t${transactionId}:${kind}:${attemptKey}`;
}

/** What a console action answers its form: serialisable, never an OTP. */
export interface OtpActionState {
  ok: boolean;
  outcome: AttemptResult['outcome'] | null;
  message: string;
  fieldErrors?: Record<string, string>;
  budget?: { sent: number; limit: number; remaining: number; source: 'provider' | 'payops' };
  cooldownUntil?: string | null;
  maskedMobile?: string | null;
  providerRequestId?: string | null;
  replayed?: boolean;
}

export function actionState(r: AttemptResult): OtpActionState {
  const { cooldownUntil, ...budget } = r.budget;
  return {
    ok: r.outcome === 'sent',
    outcome: r.outcome,
    message: r.replayed ? `${r.message} (This was the answer to the same request made moments ago, from a double click or another tab: nothing new was sent.)` : r.message,
    budget,
    cooldownUntil: cooldownUntil?.toISOString() ?? null,
    maskedMobile: r.maskedMobile,
    providerRequestId: r.providerRequestId,
    replayed: r.replayed,
  };
}
