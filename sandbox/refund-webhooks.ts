import { randomBytes } from 'node:crypto';
import { jsonText } from './http';
import { orderReply } from './juspay';
import type { SandboxRefund } from './refunds';
import type { SandboxState } from './state';
import type { TrafficOptions } from './traffic';
import { post } from './webhooks';

/**
 * Juspay tells a refund's end by webhook (DESIGN.md "Juspay webhook events"): ORDER_REFUNDED,
 * ORDER_REFUND_FAILED or REFUND_MANUAL_REVIEW_NEEDED, `content.order` the order status object with
 * its refunds[]. Sent only when the simulator has a PayOps URL, with the Basic credentials the
 * demo traffic uses; retried a few times when PayOps is unreachable or answers 5xx, as a provider
 * would. Enkash publishes no refund notification: none is sent.
 */

export const REFUND_EVENTS: Record<string, string> = {
  SUCCESS: 'ORDER_REFUNDED',
  FAILURE: 'ORDER_REFUND_FAILED',
  MANUAL_REVIEW: 'REFUND_MANUAL_REVIEW_NEEDED',
};

export interface RefundWebhookDelivery {
  eventId: string;
  eventName: string;
  orderId: string;
  refundId: string;
  attempts: number;
  /** PayOps' last answer; 0 when it could not be reached; null while the first attempt is on its way. */
  status: number | null;
}

const ATTEMPTS = 3;
const RETRY_MS = 2000;

export class RefundWebhooks {
  private sent: RefundWebhookDelivery[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: SandboxState,
    private readonly payopsUrl: string | undefined,
    private readonly auth: Pick<TrafficOptions, 'juspayUsername' | 'juspayPassword'>,
  ) {}

  refundFinal(refund: SandboxRefund): void {
    const eventName = REFUND_EVENTS[refund.status];
    if (refund.provider !== 'juspay' || !eventName || !this.payopsUrl || this.closed) return;
    const txn = this.state.findOrder(refund.paymentId);
    if (!txn) return;
    // The order as it is now, the refund's final status included.
    const event = {
      id: `evt_V2_${randomBytes(16).toString('hex')}`,
      event_name: eventName,
      date_created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      content: { order: orderReply(this.state, txn, refund.paymentId) },
    };
    const delivery: RefundWebhookDelivery = { eventId: event.id, eventName, orderId: refund.paymentId, refundId: refund.id, attempts: 0, status: null };
    this.sent.push(delivery);
    const url = new URL('/api/webhooks/juspay', this.payopsUrl);
    const user = this.auth.juspayUsername ?? 'payops-demo';
    const password = this.auth.juspayPassword ?? 'payops-demo';
    const headers = { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
    const body = jsonText(event);
    const attempt = () => {
      delivery.attempts += 1;
      post(url, headers, body)
        .then((d) => d.status)
        .catch(() => 0)
        .then((status) => {
          delivery.status = status;
          if ((status === 0 || status >= 500) && delivery.attempts < ATTEMPTS && !this.closed) {
            const timer = setTimeout(() => {
              this.timers.delete(timer);
              attempt();
            }, RETRY_MS);
            timer.unref();
            this.timers.add(timer);
          }
        });
    };
    attempt();
  }

  deliveries(): RefundWebhookDelivery[] {
    return this.sent.map((d) => ({ ...d }));
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
