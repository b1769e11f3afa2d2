import { DOCUMENTED_EXAMPLE } from '../test/enkash';
import type { SandboxState } from './state';

/**
 * Deliveries the simulator posts to PayOps, as the providers would: the Enkash Payment Notify
 * Request (JSON, the secret as `?key=`) and a Juspay webhook (JSON, HTTP Basic with the
 * username/password set in Juspay's dashboard).
 */

/** A Juspay ORDER_SUCCEEDED event in the published structure (`content.order` is the order status API's order). */
export const JUSPAY_WEBHOOK_EXAMPLE = `{
  "id": "evt_V2_b737837102414514ae0e9717a9f2664d",
  "event_name": "ORDER_SUCCEEDED",
  "date_created": "2026-01-09T05:55:02Z",
  "content": {
    "order": {
      "id": "ordeh_7f8f8fa6feba401689be0bbb9b9e7690",
      "order_id": "DOTP312312",
      "merchant_id": "testhdfc1",
      "customer_id": "customer_1122",
      "status": "CHARGED",
      "status_id": 21,
      "amount": 500.00,
      "effective_amount": 500.00,
      "currency": "INR",
      "date_created": "2026-01-09T05:54:10Z",
      "last_updated": "2026-01-09T05:55:01Z",
      "txn_id": "testhdfc1-DOTP1234-1",
      "txn_uuid": "moz3C1sYSVgAxme31pL",
      "payment_method_type": "CARD",
      "payment_method": "VISA",
      "auth_type": "OTP",
      "bank_error_code": "",
      "bank_error_message": "",
      "card": {
        "last_four_digits": "2986",
        "card_isin": "44***6",
        "card_brand": "VISA",
        "card_type": "CREDIT",
        "card_issuer": "Axis Bank",
        "name_on_card": "PRATHAMESH",
        "expiry_month": "03",
        "expiry_year": "2027"
      },
      "payment_gateway_response": {
        "txn_id": "testhdfc1-DOTP1234-1",
        "resp_code": "SUCCESS",
        "resp_message": "Transaction successful",
        "created": "2026-01-09T05:55:01Z"
      }
    }
  }
}`;

export interface Delivered {
  url: string;
  status: number;
  body: string;
}

const TIMEOUT_MS = 10_000;

/** Posts an Enkash notification (the documented example by default) and remembers its status for Get Transaction Status. */
export async function postEnkashNotify(
  state: SandboxState,
  options: { url: string; key?: string; payload?: Record<string, unknown> },
): Promise<Delivered> {
  const body = options.payload ? JSON.stringify(options.payload) : DOCUMENTED_EXAMPLE;
  const sent = (options.payload ?? JSON.parse(DOCUMENTED_EXAMPLE)) as Record<string, unknown>;
  if (typeof sent.transactionId === 'string' && sent.transactionId) {
    const status = typeof sent.status === 'string' ? sent.status : 'PENDING_WITH_BANK';
    state.setTxn('enkash', sent.transactionId, { status, payload: sent });
  }
  const url = new URL(options.url);
  if (options.key) url.searchParams.set('key', options.key);
  return post(url, { 'content-type': 'application/json' }, body);
}

/** Posts a Juspay webhook event (the example above by default) with HTTP Basic credentials. */
export async function postJuspayWebhook(options: {
  url: string;
  username: string;
  password: string;
  event?: Record<string, unknown>;
}): Promise<Delivered> {
  const body = options.event ? JSON.stringify(options.event) : JUSPAY_WEBHOOK_EXAMPLE;
  const auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  return post(new URL(options.url), { 'content-type': 'application/json', authorization: auth }, body);
}

/** One POST to PayOps; the answer's status and (cut) body. A `key` in the URL is never shown back. */
export async function post(url: URL, headers: Record<string, string>, body: string): Promise<Delivered> {
  const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  const shown = new URL(url);
  if (shown.searchParams.has('key')) shown.searchParams.set('key', 'HIDDEN');
  return { url: shown.href, status: res.status, body: text.slice(0, 2000) };
}
