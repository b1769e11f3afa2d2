import { describe, expect, it } from 'vitest';
import { sha256 } from '@/lib/payments/claim';
import { ENKASH_SECRET_KEYS } from '@/lib/payments/enkash-notify';
import { JUSPAY_SECRET_KEYS } from '@/lib/payments/juspay-webhook';
import { DOCUMENTED_TOKEN, exampleWith } from '@/test/enkash';
import { redactedBody, STORED_BODY_CHARS } from './stored-body';

const REF = 'f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c';
const enkash = (text: string) => redactedBody(text, ENKASH_SECRET_KEYS);
const juspay = (text: string) => redactedBody(text, JUSPAY_SECRET_KEYS);

describe('redactedBody: the probes of issue 7 that stored a secret every time', () => {
  it('a JSON-escaped key', () => {
    const body = exampleWith({ transactionId: 'EK1' }).replace('"paymentToken"', '"payment\\u0054oken"');
    expect(body).toContain(DOCUMENTED_TOKEN);
    const kept = enkash(`${body.slice(0, -1)},`); // refused: not JSON
    expect(kept.body).not.toContain(DOCUMENTED_TOKEN);
    expect(enkash(body).body).not.toContain(DOCUMENTED_TOKEN);
    expect(JSON.parse(enkash(body).body!).paymentToken).toBe('[redacted]');
  });

  it('a numeric value', () => {
    const body = exampleWith({ transactionId: 'EK1', paymentToken: 987654321012 });
    expect(enkash(body).body).not.toContain('987654321012');
    expect(enkash(body.slice(0, -3)).body).not.toContain('98765432');
  });

  it('a form-encoded body', () => {
    const body = `transactionId=EK1&status=SUCCESS&paymentToken=${DOCUMENTED_TOKEN}&amount=500.00`;
    expect(enkash(body).body).toBe('transactionId=EK1&status=SUCCESS&paymentToken=[redacted]&amount=500.00');
    expect(enkash(`transactionId=EK1&PAYMENT_TOKEN=${DOCUMENTED_TOKEN}`).body).toBe('transactionId=EK1&PAYMENT_TOKEN=[redacted]');
    expect(enkash(`transactionId=EK1&payment%54oken=${DOCUMENTED_TOKEN}`).body).toBe('transactionId=EK1&payment%54oken=[redacted]');
  });

  it("Juspay's card_reference, parsed or not", () => {
    const body = JSON.stringify({ id: 'evt_1', content: { order: { card: { card_reference: REF, CARD_TOKEN: REF, card_security_code: 123 } } } });
    for (const text of [body, body.slice(0, -4), body.replace('card_reference', 'card\\u005freference'), `card_reference=${REF}`]) {
      const kept = juspay(text).body!;
      expect(kept, text).not.toContain(REF);
      expect(kept, text).not.toContain('123');
    }
  });
});

describe('redactedBody', () => {
  it('walks a body that parses: keys compared after unescaping and case-folding, any value type', () => {
    const body = `{"transactionId":"EK1","PaymentToken":{"v":"${DOCUMENTED_TOKEN}"},"list":[{"PAYMENTTOKEN":["${DOCUMENTED_TOKEN}"]}],"pan":4.111111111111111e15}`;
    const kept = enkash(body);
    expect(JSON.parse(kept.body!)).toEqual({ transactionId: 'EK1', PaymentToken: '[redacted]', list: [{ PAYMENTTOKEN: '[redacted]' }], pan: 'XXXX1111' });
    expect(kept.flags).toEqual(['card_number_scrubbed']);
  });

  it('masks every digit run that could be a card in a body that does not parse, whatever its checksum', () => {
    const kept = enkash('{"transactionId":"EK1","a":"9999 9999 9999 9999","b":"4111\u00a01111\u00a01111\u00a01111","c":"4111111111111111e0"');
    expect(kept.body).toBe('{"transactionId":"EK1","a":"XXXX9999","b":"XXXX1111","c":"XXXX1111e0"');
    expect(kept.flags).toEqual(['card_number_scrubbed']);
  });

  it('hashes the redacted text, never the raw body, and caps what it keeps', () => {
    const body = `paymentToken=${DOCUMENTED_TOKEN}&pad=${'x'.repeat(STORED_BODY_CHARS)}`;
    const kept = enkash(body);
    const full = body.replace(DOCUMENTED_TOKEN, '[redacted]');
    expect(kept.bodySha256).toBe(sha256(full));
    expect(kept.body).toBe(full.slice(0, STORED_BODY_CHARS));
    expect(kept.bodyTruncated).toBe(true);
  });

  it('makes NUL and lone surrogates storable', () => {
    expect(enkash('a\u0000b\ud800').body).toBe('a\ufffdb\ufffd');
    expect(enkash('{"a":"x\\u0000y"}').body).toBe('{"a":"x\ufffdy"}');
  });

  it('keeps nothing for no body', () => {
    expect(redactedBody(null, ENKASH_SECRET_KEYS)).toEqual({ body: null, bodySha256: null, bodyTruncated: false, flags: [] });
  });
});
