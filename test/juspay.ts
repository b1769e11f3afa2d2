// Test fixtures for Juspay webhooks: the standard envelope {id, event_name, date_created,
// content: {order}} around the order as Juspay's order status API returns it, for a Direct OTP
// card payment waiting for its OTP (PENDING_VBV). Amounts are JSON numbers in rupees, as Juspay sends them.

export const JUSPAY_EVENT = `{
  "id": "evt_V2_b737837102414514ae0e9717a9f2664d",
  "event_name": "TXN_CREATED",
  "date_created": "2025-02-07T08:30:09Z",
  "content": {
    "order": {
      "id": "ordeh_7f8f8fa6feba401689be0bbb9b9e7690",
      "merchant_id": "payopsdemo",
      "order_id": "DOTP1738916997",
      "status": "PENDING_VBV",
      "status_id": 23,
      "amount": 1499.50,
      "effective_amount": 1499.50,
      "amount_refunded": 0,
      "refunded": false,
      "currency": "INR",
      "date_created": "2025-02-07T08:30:05Z",
      "customer_id": "cth_iRT3ZLCcNdnigB63",
      "customer_email": "asha@example.com",
      "customer_phone": "9999999999",
      "product_id": "",
      "return_url": "https://shop.example.com/payment/return",
      "udf1": "",
      "udf2": "",
      "txn_id": "payopsdemo-DOTP1738916997-1",
      "txn_uuid": "moz3C1sYSVgAxme31pL",
      "gateway_id": 19,
      "gateway_reference_id": null,
      "auth_type": "OTP",
      "bank_error_code": "",
      "bank_error_message": "",
      "resp_code": null,
      "resp_message": null,
      "payment_method_type": "CARD",
      "payment_method": "VISA",
      "card": {
        "expiry_year": "2027",
        "expiry_month": "03",
        "card_type": "CREDIT",
        "card_issuer": "Axis Bank",
        "card_isin": "448806",
        "card_brand": "VISA",
        "card_reference": "f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c",
        "card_fingerprint": "2j965k6pta9k5ppvqnoeki",
        "last_four_digits": "2986",
        "name_on_card": "Asha Kulkarni",
        "using_saved_card": false,
        "saved_to_locker": false
      },
      "payment": {
        "authentication": {
          "method": "GET",
          "url": "https://sandbox.juspay.in/v2/txns/moz3C1sYSVgAxme31pL/authenticate",
          "params": {
            "id": "moz3C1sYSVgAxme31pL",
            "challenge_id": "ch_5c1f0e8a9d",
            "auth_type": "OTP",
            "resend_otp_allowed": true,
            "submit_otp_allowed": true,
            "card_brand": "VISA"
          }
        }
      },
      "txn_detail": {
        "txn_id": "payopsdemo-DOTP1738916997-1",
        "txn_uuid": "moz3C1sYSVgAxme31pL",
        "order_id": "DOTP1738916997",
        "status": "PENDING_VBV",
        "gateway": "CYBERSOURCE",
        "gateway_id": 19,
        "txn_amount": 1499.50,
        "surcharge_amount": null,
        "tax_amount": null,
        "net_amount": 1499.50,
        "currency": "INR",
        "express_checkout": true,
        "redirect": false,
        "error_code": "",
        "error_message": "",
        "created": "2025-02-07T08:30:06Z"
      },
      "payment_gateway_response": {
        "resp_code": "",
        "resp_message": "Waiting for the customer's OTP",
        "txn_id": "payopsdemo-DOTP1738916997-1",
        "epg_txn_id": "7389169970016530904011",
        "rrn": "",
        "auth_id_code": "",
        "created": "2025-02-07T08:30:06Z"
      },
      "payment_links": {
        "web": "https://sandbox.juspay.in/merchant/pay/ordeh_7f8f8fa6feba401689be0bbb9b9e7690",
        "mobile": "https://sandbox.juspay.in/merchant/pay/ordeh_7f8f8fa6feba401689be0bbb9b9e7690?mobile=true",
        "iframe": "https://sandbox.juspay.in/merchant/ipay/ordeh_7f8f8fa6feba401689be0bbb9b9e7690"
      },
      "offers": []
    }
  }
}`;

export const JUSPAY_CARD_REFERENCE = 'f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c';

type Order = Record<string, unknown>;

/**
 * The fixture with another event id and, for one transaction, another status and order fields.
 * `txn` sets the order id, txn_id and txn_uuid together, as Juspay does for one attempt.
 */
export function juspayEvent(options: { id?: string; event?: string; txn?: string; status?: string; order?: Order; txnDetail?: Order } = {}): string {
  const event = JSON.parse(JUSPAY_EVENT);
  const order = event.content.order;
  if (options.id) event.id = options.id;
  if (options.event) event.event_name = options.event;
  if (options.txn) {
    order.order_id = order.txn_detail.order_id = options.txn;
    order.txn_id = order.txn_detail.txn_id = order.payment_gateway_response.txn_id = `payopsdemo-${options.txn}-1`;
    order.txn_uuid = order.txn_detail.txn_uuid = `uuid${options.txn}`;
  }
  if (options.status) order.status = order.txn_detail.status = options.status;
  Object.assign(order, options.order);
  Object.assign(order.txn_detail, options.txnDetail);
  return JSON.stringify(event);
}

export const JUSPAY_WEBHOOK_URL = 'http://payops.test/api/webhooks/juspay';

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function juspayRequest(
  body: BodyInit | null,
  options: { authorization?: string | null; method?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9', ...options.headers };
  if (options.authorization) headers.authorization = options.authorization;
  return new Request(JUSPAY_WEBHOOK_URL, {
    method: options.method ?? 'POST',
    headers,
    body,
    // @ts-expect-error Node's Request needs this for a streamed body
    duplex: 'half',
  });
}
