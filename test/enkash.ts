// Test fixtures for Enkash notifications.

/** The documented example, exactly as printed in the reference page (as text: numbers keep 0.0000). */
export const DOCUMENTED_EXAMPLE = `{
    "surcharge": 0.0000,
    "surchargeGst": 0.0000,
    "amount": "500.00",
    "finalAmount": "500.00",
    "paymentMode": "PREPAID_CARD",
    "bankCode": null,
    "bankName": null,
    "cardScheme": null,
    "currency": "INR",
    "checksum": null,
    "status": "SUCCESS",
    "transactionId": "EK1738916997652yh8GL",
    "txnMsg": "Transaction successful.",
    "txnDate": "2025-02-07 14:00:05",
    "uniqueTransactionId": "EK66674UU7T",
    "maskedCardNumber": "XXXX XXXX XXXX 9015",
    "cardHolderName": "NA",
    "paymentToken": "9ceac38e65db443d5f48",
    "bankTransactionId": null,
    "mdr": null,
    "mdrGst": null,
    "transactionAmount": null,
    "orderId": null,
    "orderStatus": null,
    "transactionStatus": null
}`;

export const DOCUMENTED_TOKEN = '9ceac38e65db443d5f48';

export function exampleWith(overrides: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(DOCUMENTED_EXAMPLE), ...overrides });
}

export const NOTIFY_URL = 'http://payops.test/api/webhooks/enkash/notify';

export function notifyRequest(
  body: BodyInit | null,
  options: { key?: string | null; method?: string; headers?: Record<string, string> } = {},
): Request {
  const url = new URL(NOTIFY_URL);
  if (options.key) url.searchParams.set('key', options.key);
  return new Request(url, {
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7', ...options.headers },
    body,
    // @ts-expect-error Node's Request needs this for a streamed body
    duplex: 'half',
  });
}
