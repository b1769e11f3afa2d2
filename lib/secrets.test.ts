import { describe, expect, it } from 'vitest';
import { maskSecretsInText, maskUnparsedText, normalizeKey, redactSecrets } from './secrets';

const TOKEN = '9ceac38e65db443d5f48';
const REF = 'f5a3d1a2c8b94b1e9a7c0d2e4f6a8b0c';
const ENKASH = ['paymentToken'];
const JUSPAY = ['card_reference', 'card_token', 'card_security_code'];

describe('normalizeKey', () => {
  it.each(['paymentToken', 'PAYMENTTOKEN', 'payment_token', 'Payment-Token', 'payment\\u0054oken', 'payment%54oken', 'ｐａｙｍｅｎｔＴｏｋｅｎ', 'payment&#84;oken'])(
    '%s reads as paymenttoken',
    (key) => {
      expect(normalizeKey(key)).toBe('paymenttoken');
    },
  );
});

describe('redactSecrets (parsed data)', () => {
  it('replaces a secret key\'s value of any type, at any depth, whatever the key\'s case', () => {
    const input = {
      transactionId: 'EK1',
      paymentToken: TOKEN,
      nested: { PAYMENTTOKEN: 12345678901234, list: [{ Payment_Token: { deep: TOKEN } }, { paymentToken: [TOKEN] }] },
      empty: { paymentToken: null, other: { paymentToken: '' } },
    };
    const { value, found } = redactSecrets(input, ENKASH);
    expect(value).toEqual({
      transactionId: 'EK1',
      paymentToken: '[redacted]',
      nested: { PAYMENTTOKEN: '[redacted]', list: [{ Payment_Token: '[redacted]' }, { paymentToken: '[redacted]' }] },
      // null and "" hide nothing: kept, so the operator sees what came.
      empty: { paymentToken: null, other: { paymentToken: '' } },
    });
    expect(found).toBe(4);
    expect(JSON.stringify(input)).toContain(TOKEN);
  });

  it('masks a secret written inside a string (a quoted body, a form in a note)', () => {
    const { value } = redactSecrets({ note: `{"paymentToken":"${TOKEN}"}`, form: `a=1&paymentToken=${TOKEN}&b=2` }, ENKASH);
    expect(JSON.stringify(value)).not.toContain(TOKEN);
    expect(value).toEqual({ note: '{"paymentToken":"[redacted]"}', form: 'a=1&paymentToken=[redacted]&b=2' });
  });

  it('redacts Juspay\'s saved-card reference wherever it sits', () => {
    const { value } = redactSecrets({ content: { order: { card: { card_reference: REF, Card_Token: REF, card_brand: 'VISA' } } } }, JUSPAY);
    expect(value).toEqual({ content: { order: { card: { card_reference: '[redacted]', Card_Token: '[redacted]', card_brand: 'VISA' } } } });
  });
});

describe('maskSecretsInText', () => {
  it.each([
    [`paymentToken=${TOKEN}&x=1`, 'paymentToken=[redacted]&x=1'],
    [`PAYMENTTOKEN = ${TOKEN}; x=1`, 'PAYMENTTOKEN = [redacted]; x=1'],
    [`"paymentToken": "${TOKEN}", "x": 1`, '"paymentToken": "[redacted]", "x": 1'],
    [`"payment\\u0054oken":"${TOKEN}"`, '"payment\\u0054oken":"[redacted]"'],
    [`"paymentToken": 1234567890, "x": 1`, '"paymentToken": [redacted], "x": 1'],
    [`"paymentToken": {"a": "${TOKEN}"}, "x": 1`, '"paymentToken": [redacted], "x": 1'],
    [`"paymentToken": ["${TOKEN}", 2], "x": 1`, '"paymentToken": [redacted], "x": 1'],
    [`paymentToken: ${TOKEN}\nnext: 1`, 'paymentToken: [redacted]\nnext: 1'],
    [`<paymentToken>${TOKEN}</paymentToken>`, '<paymentToken>[redacted]</paymentToken>'],
    [`order[paymentToken]=${TOKEN}&b=2`, 'order[paymentToken]=[redacted]&b=2'],
    [`payment%54oken=${TOKEN}`, 'payment%54oken=[redacted]'],
    [`paymentToken%3D${TOKEN}%26x%3D1`, 'paymentToken%3D[redacted]%26x%3D1'],
    [`"paymentToken":"${TOKEN.slice(0, 5)}\\"${TOKEN.slice(5)}", "x": 1`, '"paymentToken":"[redacted]", "x": 1'],
    // Cut off by a size cap: to the end.
    [`{"paymentToken":"${TOKEN.slice(0, 9)}`, '{"paymentToken":"[redacted]'],
    [`{"payment\\u0054oken": ${TOKEN.slice(0, 9)}`, '{"payment\\u0054oken": [redacted]'],
    // A JSON body quoted inside JSON, one and two layers of escapes deep.
    [`{"note":"{\\"paymentToken\\":\\"${TOKEN}\\"}"}`, '{"note":"{\\"paymentToken\\":\\"[redacted]\\"}"}'],
    [`{"note":"{\\"payment\\\\u0054oken\\":\\"${TOKEN}\\"}"}`, '{"note":"{\\"payment\\\\u0054oken\\":\\"[redacted]\\"}"}'],
  ])('masks %j', (text, masked) => {
    expect(maskSecretsInText(text, ENKASH)).toEqual({ text: masked, found: 1 });
  });

  it.each([
    'paymentToken',
    'the paymentToken was refused',
    '{"field": "paymentToken", "x": 1}',
    'paymentTokens=abc',
    'xpaymentToken=abc',
    'paymentToken=&x=1',
  ])('leaves %j alone', (text) => {
    expect(maskSecretsInText(text, ENKASH)).toEqual({ text, found: 0 });
  });
});

describe('maskUnparsedText', () => {
  it('masks secrets and every digit run that could be a card, through escapes', () => {
    const text = `transactionId=EK1&paymentToken=${TOKEN}&pan=4111+1111+1111+1111&utr=123456789012345&esc=\\u0034\\u0031\\u0031\\u0031111111111111&pct=%34111111111111111`;
    const masked = maskUnparsedText(text, ENKASH);
    expect(masked.text).toBe('transactionId=EK1&paymentToken=[redacted]&pan=XXXX1111&utr=XXXX2345&esc=XXXX1111&pct=XXXX1111');
    expect(masked).toMatchObject({ secrets: 1, cards: 4 });
  });

  it('handles long hostile text in linear time', () => {
    const hostile = [
      '"paymentToken":\\"'.repeat(4000),
      'paymentToken=paymentToken='.repeat(2500),
      '\\u0034'.repeat(10000),
      '%34 '.repeat(16000),
      '{"paymentToken":['.repeat(3500),
    ];
    const started = performance.now();
    for (const text of hostile) {
      const { text: out } = maskUnparsedText(text, [...ENKASH, ...JUSPAY]);
      expect(out.length).toBeLessThanOrEqual(text.length + 16);
    }
    // Not a benchmark: a quadratic scan of these would take minutes.
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
