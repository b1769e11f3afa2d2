'use client';

import { useEffect, useState } from 'react';
import { claimPaymentAction, releasePaymentAction } from '@/app/(dashboard)/queues/actions';
import { CLAIM_RENEW_MS } from '@/lib/queues/claim-timing';

/**
 * While an agent has a payment waiting for an OTP open, it is theirs: the claim is taken when the
 * page opens, renewed while it stays open, and let go when the agent leaves. Another agent's
 * page (and the queue) show "Asha is on this" so two agents do not resend to one customer.
 */
export function ClaimKeeper({ paymentId }: { paymentId: number }) {
  const [holder, setHolder] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const claim = async () => {
      const r = await claimPaymentAction(paymentId).catch(() => null);
      if (stopped || !r || 'error' in r) return;
      setHolder(r.held ? null : r.holderName);
    };
    void claim();
    const t = setInterval(claim, CLAIM_RENEW_MS);
    return () => {
      stopped = true;
      clearInterval(t);
      void releasePaymentAction(paymentId).catch(() => {});
    };
  }, [paymentId]);
  if (!holder) return null;
  return (
    <p role="status" data-testid="claimed-by" className="rounded-md bg-amber-50 px-3 py-2 text-sm font-medium text-amber-900 ring-1 ring-inset ring-amber-600/30">
      {holder} is on this: they have this payment open. Check with them before sending an OTP, so the customer does not get two.
    </p>
  );
}
