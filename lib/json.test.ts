import { describe, expect, it } from 'vitest';
import { canonicalJson, MAX_JSON_DEPTH, parseJsonExact } from './json';

// The documented Enkash Payment Notify Request example, verbatim.
const ENKASH_NOTIFY = `{"surcharge": 0.0000,"surchargeGst": 0.0000,"amount": "500.00","finalAmount": "500.00","paymentMode": "PREPAID_CARD","bankCode": null,"bankName": null,"cardScheme": null,"currency": "INR","checksum": null,"status": "SUCCESS","transactionId": "EK1738916997652yh8GL","txnMsg": "Transaction successful.","txnDate": "2025-02-07 14:00:05","uniqueTransactionId": "EK66674UU7T","maskedCardNumber": "XXXX XXXX XXXX 9015","cardHolderName": "NA","paymentToken": "9ceac38e65db443d5f48","bankTransactionId": null,"mdr": null,"mdrGst": null,"transactionAmount": null,"orderId": null,"orderStatus": null,"transactionStatus": null}`;

const parsed = (text: string): unknown => {
  const result = parseJsonExact(text);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
};

const reasonOf = (text: string): string => {
  const result = parseJsonExact(text);
  if (result.ok) throw new Error('expected a refusal');
  return result.reason;
};

describe('parseJsonExact', () => {
  it('reads the Enkash notify example with numbers as their source text', () => {
    expect(parsed(ENKASH_NOTIFY)).toEqual({
      surcharge: '0.0000',
      surchargeGst: '0.0000',
      amount: '500.00',
      finalAmount: '500.00',
      paymentMode: 'PREPAID_CARD',
      bankCode: null,
      bankName: null,
      cardScheme: null,
      currency: 'INR',
      checksum: null,
      status: 'SUCCESS',
      transactionId: 'EK1738916997652yh8GL',
      txnMsg: 'Transaction successful.',
      txnDate: '2025-02-07 14:00:05',
      uniqueTransactionId: 'EK66674UU7T',
      maskedCardNumber: 'XXXX XXXX XXXX 9015',
      cardHolderName: 'NA',
      paymentToken: '9ceac38e65db443d5f48',
      bankTransactionId: null,
      mdr: null,
      mdrGst: null,
      transactionAmount: null,
      orderId: null,
      orderStatus: null,
      transactionStatus: null,
    });
  });

  it('keeps every number form exactly', () => {
    expect(parsed('{"surcharge": 0.0000, "amount": "500.00", "n": -1.5e3}')).toEqual({
      surcharge: '0.0000',
      amount: '500.00',
      n: '-1.5e3',
    });
    expect(parsed('[0, -0, 1E+2, 2e-5, 12345678901234567890.123456789, 0.1]')).toEqual([
      '0',
      '-0',
      '1E+2',
      '2e-5',
      '12345678901234567890.123456789',
      '0.1',
    ]);
  });

  it('reads nested structures, literals and whitespace', () => {
    const text = ' {\n\t"a" : [ 1 , { "b" : [ [ ] , { } , true , false , null , -2 ] } ] ,\r\n"c":{"d":{"e":3.50}} } ';
    expect(parsed(text)).toEqual({
      a: ['1', { b: [[], {}, true, false, null, '-2'] }],
      c: { d: { e: '3.50' } },
    });
  });

  it('leaves strings alone, digits, quotes, backslashes and escapes included', () => {
    const value = {
      digits: '4111 1111 1111 1111 and 0.0000',
      quoted: 'she said "12" and \\"34\\"',
      backslash: 'C:\\dir\\5\\',
      ends: '\\',
      unicode: 'caf\u00e9 \u20b9500 \ud83d\udcb3',
      control: 'tab\tnew\nline',
      'key with "5"': '-1',
    };
    const text = JSON.stringify(value);
    expect(parsed(text)).toEqual(value);
    expect(parsed(String.raw`["\u0035\u0030", "\"", "\\", "\\\"7\"", 8]`)).toEqual(['50', '"', '\\', '\\"7"', '8']);
  });

  it('reads top-level scalars', () => {
    expect(parsed('42')).toBe('42');
    expect(parsed(' -0.50 ')).toBe('-0.50');
    expect(parsed('"500.00"')).toBe('500.00');
    expect(parsed('true')).toBe(true);
    expect(parsed('null')).toBeNull();
    expect(parsed('[1,"2",3]')).toEqual(['1', '2', '3']);
  });

  it('lets the last duplicate key win, as JSON.parse does', () => {
    expect(parsed('{"a": 1, "a": 2.00}')).toEqual({ a: '2.00' });
  });

  it('keeps a __proto__ key as data', () => {
    const value = parsed('{"__proto__": {"x": 1}}');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ x: '1' });
  });

  it.each(['', ' ', '{', '{"a": }', '[1,]', '{a: 1}', "{'a': 1}", '01', '1.', '.5', '+1', 'NaN', '[1] 2', '"\u0001"', '{"a" 1}', '\ufeff{}'])(
    'refuses invalid JSON %j',
    (text) => {
      expect(reasonOf(text)).toMatch(/^invalid JSON: /);
    },
  );

  it('never echoes the input in its reason', () => {
    const text = `{"pan": "4111111111111111", "x": }`;
    const reason = reasonOf(text);
    expect(reason).not.toContain('4111');
    expect(reason.length).toBeLessThanOrEqual(140);
    const long = `{"pan": "4111111111111111", "${'y'.repeat(200)}4111111111111111": }`;
    expect(reasonOf(long)).not.toContain('4111');
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses more`, () => {
    const nest = (levels: number) => '['.repeat(levels) + '1' + ']'.repeat(levels);
    expect(parseJsonExact(nest(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(reasonOf(nest(MAX_JSON_DEPTH + 1))).toMatch(/deeper than 64/);
    expect(reasonOf('{"a":'.repeat(65) + '1' + '}'.repeat(65))).toMatch(/deeper than 64/);
    // Brackets inside strings do not count.
    expect(parseJsonExact(`["${'['.repeat(1000)}"]`).ok).toBe(true);
  });

  it('refuses hostile nesting without blowing the stack', () => {
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    expect(reasonOf(deep)).toMatch(/deeper than 64/);
    expect(reasonOf('['.repeat(500_000))).toMatch(/^invalid JSON: /);
  });

  it('handles a 64 KiB body', () => {
    const items = Array.from({ length: 1200 }, (_, i) => ({
      id: `EK${1738916997652 + i}yh8GL`,
      amount: `${i}.00`,
      surcharge: '__NUM__',
      note: 'text with "quotes" and \\ and 4111',
    }));
    const text = JSON.stringify({ items }).replaceAll('"__NUM__"', '0.0000');
    expect(text.length).toBeGreaterThan(64 * 1024);
    const value = parsed(text) as { items: { surcharge: string; id: string }[] };
    expect(value.items).toHaveLength(1200);
    expect(value.items.every((item) => item.surcharge === '0.0000')).toBe(true);
    expect(value.items[1199].id).toBe('EK1738916998851yh8GL');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is the same for the same data in any key order', () => {
    const a = parsed(ENKASH_NOTIFY) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(a).reverse());
    expect(canonicalJson(reversed)).toBe(canonicalJson(a));
    expect(JSON.parse(canonicalJson(a))).toEqual(a);
  });

  it('sorts integer-like keys as text, not in object enumeration order', () => {
    expect(canonicalJson({ b: 1, 10: 2, 2: 3, A: 4 })).toBe('{"10":2,"2":3,"A":4,"b":1}');
  });

  it('serialises scalars like JSON.stringify', () => {
    expect(canonicalJson('a"b\\')).toBe('"a\\"b\\\\"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(Number.NaN)).toBe('null');
    expect(canonicalJson(new Date('2025-02-07T08:30:05Z'))).toBe('"2025-02-07T08:30:05.000Z"');
  });

  it('drops undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, () => 1], c: 1 })).toBe('{"b":[null,null],"c":1}');
  });

  it('refuses what JSON cannot hold', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(1n)).toThrow(TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(/circular/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });
});
