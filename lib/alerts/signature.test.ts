import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature';

const SECRET = 'whsec_test_0123456789';
const BODY = '{"text":"🔴 CRITICAL · *Enkash: webhook deliveries refused*.","alert":{"id":7}}';
const T = 1_795_910_000;

describe('alert message signature', () => {
  it('is Stripe-style: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const header = signatureHeader(SECRET, BODY, T);
    // Computed here independently, as a receiver would.
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(header).toBe(`t=${T},v1=${expected}`);
  });

  it('verifies a fresh, matching signature over the exact body', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, BODY, SECRET, { nowSeconds: T + 10 })).toBe(true);
    expect(verifySignature(header, BODY, SECRET, { nowSeconds: T - 10 })).toBe(true);
  });

  it('refuses another body, another secret, a stale or future timestamp, and a broken header', () => {
    const header = signatureHeader(SECRET, BODY, T);
    expect(verifySignature(header, `${BODY} `, SECRET, { nowSeconds: T })).toBe(false);
    expect(verifySignature(header, BODY, 'another-secret', { nowSeconds: T })).toBe(false);
    expect(verifySignature(header, BODY, SECRET, { nowSeconds: T + 301 })).toBe(false);
    expect(verifySignature(header, BODY, SECRET, { nowSeconds: T - 301 })).toBe(false);
    expect(verifySignature(header, BODY, SECRET, { nowSeconds: T + 3600, toleranceSeconds: 7200 })).toBe(true);
    // The timestamp is inside the signed text: moving it breaks the signature.
    expect(verifySignature(header.replace(`t=${T}`, `t=${T + 1}`), BODY, SECRET, { nowSeconds: T })).toBe(false);
    for (const bad of [null, '', 'v1=abc', `t=${T}`, `t=${T},v1=zz`, 't=x,v1=' + 'a'.repeat(64)]) {
      expect(verifySignature(bad, BODY, SECRET, { nowSeconds: T })).toBe(false);
    }
  });

  it('accepts any of several v1 values (a receiver rotating its secret sees two)', () => {
    const good = signatureHeader(SECRET, BODY, T).split(',')[1];
    expect(verifySignature(`t=${T},v1=${'0'.repeat(64)},${good}`, BODY, SECRET, { nowSeconds: T })).toBe(true);
  });
});
