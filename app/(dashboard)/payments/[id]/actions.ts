'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { authorize } from '@/lib/auth/guards';
import { AppError } from '@/lib/errors';
import { clientIp } from '@/lib/http/request';
import { parsePaymentId } from '@/lib/payments/search-params';
import { verifyTransaction, type VerifyResult } from '@/lib/payments/verify';
import { getProviders } from '@/lib/providers';

export interface RecheckState {
  ok: boolean;
  message: string | null;
}

const SAID: Record<VerifyResult['verification'], string> = {
  confirmed: 'Confirmed: the provider reports the same status.',
  mismatch: 'Mismatch: the provider reports another status. The payment is flagged for review.',
  unconfirmed: 'Not confirmed yet.',
  error: 'The provider could not be asked.',
  skipped: 'Not checked: this provider has no status API PayOps can ask.',
};

/** "Re-check with provider": asks the provider's status API again for one payment, audited. */
export async function recheckAction(_prev: RecheckState, form: FormData): Promise<RecheckState> {
  let user;
  try {
    user = await authorize('payments.read');
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
  const id = parsePaymentId(String(form.get('id') ?? ''));
  if (id === null) return { ok: false, message: 'That is not a payment id.' };
  const sourceIp = clientIp(new Request('http://x', { headers: await headers() }));
  const result = await verifyTransaction(await getDb(), getProviders(), {
    id,
    audit: { actor: `user:${user.id}`, actorRole: user.role, sourceIp },
  });
  if (!result) return { ok: false, message: 'That payment does not exist.' };
  revalidatePath(`/payments/${id}`);
  // The section above shows the new verdict; a failed check may leave an earlier verdict there, so say why.
  const message = result.verification === 'error' ? `${SAID.error} ${result.detail ?? ''}`.trim() : SAID[result.verification];
  return { ok: result.verification === 'confirmed' || result.verification === 'unconfirmed', message };
}
