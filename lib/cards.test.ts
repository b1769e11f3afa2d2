import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './json';
import { cardScheme, findCardNumbers, isCardNumber, lastFour, literalDigits, luhnValid, scrubCardNumbers, scrubCardNumbersDeep } from './cards';

/** `prefix` padded with 1s to `length` digits, the last one chosen so the whole passes Luhn. */
function luhnComplete(prefix: string, length: number): string {
  const body = prefix.padEnd(length - 1, '1');
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** Splits digits into groups of the given sizes. */
const grouped = (digits: string, sizes: number[]) => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(digits.slice(at, at + n));
    at += n;
  }
  return out;
};

// Published test card numbers, one or more per scheme PayOps can see.
const CARDS: [scheme: string, digits: string][] = [
  ['Visa', '4111111111111111'],
  ['Visa', '4242424242424242'],
  ['Visa', '4222222222222'],
  ['Visa', luhnComplete('4', 19)],
  ['Mastercard', '5555555555554444'],
  ['Mastercard', '5105105105105100'],
  ['Mastercard', '2223000048400011'],
  ['Mastercard', luhnComplete('2720', 16)],
  ['American Express', '378282246310005'],
  ['American Express', '371449635398431'],
  ['American Express', luhnComplete('34', 15)],
  ['Diners Club', '30569309025904'],
  ['Diners Club', '38520000023237'],
  ['Diners Club', '36227206271667'],
  ['Discover', '6011111111111117'],
  ['Discover', '6011000990139424'],
  ['Discover', luhnComplete('644', 16)],
  ['Discover', luhnComplete('6011', 19)],
  ['JCB', '3530111333300000'],
  ['JCB', '3566002020360505'],
  ['JCB', luhnComplete('3589', 19)],
  ['UnionPay', '6200000000000005'],
  ['UnionPay', '6250941006528599'],
  ['RuPay', luhnComplete('6070', 16)],
  ['Discover', '6521000000000007'],
  ['RuPay', luhnComplete('8100', 16)],
  ['RuPay', luhnComplete('8200', 16)],
  ['Maestro', '6759649826438453'],
  ['Maestro', luhnComplete('50', 13)],
  ['Maestro', luhnComplete('56', 19)],
  ['Maestro', luhnComplete('69', 17)],
];

describe('luhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6521000000000007', '6011000000000000001', '0'])('accepts %s', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });

  it.each(['4111111111111112', '1738916997652', '', '4111 1111 1111 1111', '41111111111111a1', '-4111111111111111'])('refuses %j', (digits) => {
    expect(luhnValid(digits)).toBe(false);
  });
});

describe('cardScheme and isCardNumber', () => {
  it.each(CARDS)('%s %s is a card number', (scheme, digits) => {
    expect(luhnValid(digits)).toBe(true);
    expect(cardScheme(digits)).toBe(scheme);
    expect(isCardNumber(digits)).toBe(true);
  });

  it.each([
    ['an epoch-milliseconds id', '1738916997657'],
    ['no scheme starts with 0', luhnComplete('0', 16)],
    ['no scheme starts with 1', luhnComplete('1', 16)],
    ['no scheme starts with 7', luhnComplete('7', 16)],
    ['no scheme starts with 9', luhnComplete('9', 16)],
    ['2000 is below the Mastercard 2-series', luhnComplete('2000', 16)],
    ['2721 is above it', luhnComplete('2721', 16)],
    ['31 is no scheme', luhnComplete('31', 16)],
    ['3500 is below JCB', luhnComplete('3500', 16)],
    ['306 is past Diners 300–305', luhnComplete('306', 14)],
    ['83 is no scheme', luhnComplete('83', 16)],
    ['Visa has no 14 digits', luhnComplete('4', 14)],
    ['Visa has no 17 digits', luhnComplete('4', 17)],
    ['Amex has 15 digits only', luhnComplete('34', 16)],
    ['Mastercard 51–55 has 16 digits only', luhnComplete('51', 15)],
    ['RuPay 81 has 16 digits only', luhnComplete('81', 17)],
    ['12 digits are too few', '411111111117'],
    ['20 digits are too many', '41111111111111111115'],
    ['a wrong check digit', '4111111111111112'],
  ])('%s: %s is not', (_why, digits) => {
    expect(isCardNumber(digits)).toBe(false);
  });
});

const SEPARATORS: [name: string, sep: string][] = [
  ['space', ' '],
  ['NBSP', '\u00a0'],
  ['narrow NBSP', '\u202f'],
  ['em space', '\u2003'],
  ['ideographic space', '\u3000'],
  ['zero-width space', '\u200b'],
  ['double space', '  '],
  ['tab', '\t'],
  ['newline', '\n'],
  ['CRLF', '\r\n'],
  ['dot', '.'],
  ['slash', '/'],
  ['backslash', '\\'],
  ['underscore', '_'],
  ['comma', ','],
  ['comma space', ', '],
  ['spaced dash', ' - '],
  ['dash', '-'],
  ['en dash', '\u2013'],
  ['colon', ':'],
  ['asterisk', '*'],
  ['pipe with spaces', ' | '],
];

describe('scrubCardNumbers: positives', () => {
  it.each(SEPARATORS)('masks card numbers grouped with %s', (_name, sep) => {
    for (const [, digits] of CARDS) {
      const sizes = digits.length === 15 ? [4, 6, 5] : digits.length === 14 ? [4, 6, 4] : [4, 4, 4, digits.length - 12];
      for (const written of [grouped(digits, sizes).join(sep), [...digits].join(sep)]) {
        const result = scrubCardNumbers(`card ${written} ok`);
        expect(result, JSON.stringify(written)).toEqual({ text: `card XXXX${digits.slice(-4)} ok`, found: 1 });
      }
    }
  });

  it.each([
    ['4111111111111111', 'XXXX1111'],
    ['4111-1111 1111.1111', 'XXXX1111'],
    ['Paid with 4111 1111 1111 1111 today.', 'Paid with XXXX1111 today.'],
    ['card:4111111111111111.', 'card:XXXX1111.'],
    ['(5555-5555-5555-4444),', '(XXXX4444),'],
    ['"pan":"4111111111111111"', '"pan":"XXXX1111"'],
    ['x_4111111111111111_y', 'x_XXXX1111_y'],
    // Touching a letter saves nothing in free text.
    ['ref4111111111111111', 'refXXXX1111'],
    ['4111111111111111b', 'XXXX1111b'],
    ['A4111111111111111', 'AXXXX1111'],
    ['ЖЖ4111111111111111', 'ЖЖXXXX1111'],
    ['ref A1 4111 1111 1111 1111', 'ref A1 XXXX1111'],
    // Digits of any script are read by their value.
    ['４１１１ １１１１ １１１１ １１１１', 'XXXX1111'],
    ['४१११११११११११११११', 'XXXX1111'],
    ['-4111111111111111', '-XXXX1111'],
  ])('masks %j', (input, masked) => {
    expect(scrubCardNumbers(input)).toEqual({ text: masked, found: 1 });
  });

  it.each([
    ['4111111111111111e0', 'XXXX1111'],
    ['4111111111111111E+0', 'XXXX1111'],
    ['4111111111111111.0', 'XXXX1111.0'],
    ['4111111111111111.000', 'XXXX1111.000'],
    ['4.111111111111111e15', 'XXXX1111'],
    ['4.111111111111111E15', 'XXXX1111'],
    ['41111111111111110e-1', 'XXXX1111'],
    ['411111111111111100000e-5', 'XXXX1111'],
    ['0.4111111111111111e16', 'XXXX1111'],
    ['-4.111111111111111e+15', '-XXXX1111'],
    ['41111111111111.11e2', 'XXXX1111'],
    ['pan=4.111111111111111e15;', 'pan=XXXX1111;'],
    // 4000000000000002 ends in 2, 400000000000000.2e1 is that card: no digit group holds it.
    ['400000000000000.2e1', 'XXXX0002'],
    // Three digits can be a card number: 4200000000000000 is in Visa's range and passes Luhn.
    ['4.2e15', 'XXXX0000'],
  ])('masks a card number written as the JSON number %s', (literal, masked) => {
    expect(scrubCardNumbers(literal)).toEqual({ text: masked, found: 1 });
  });

  it('masks every card number in a string, and runs holding more than one', () => {
    expect(scrubCardNumbers('first 4111111111111111, then 5555 5555 5555 4444')).toEqual({ text: 'first XXXX1111, then XXXX4444', found: 2 });
    expect(scrubCardNumbers('4111111111111111 4242424242424242')).toEqual({ text: 'XXXX1111 XXXX4242', found: 2 });
  });

  it('keeps a CVV or expiry beside the card number unless the whole run is a card number too', () => {
    expect(scrubCardNumbers('4111 1111 1111 1111 123')).toEqual({ text: 'XXXX1111 123', found: 1 });
    expect(scrubCardNumbers('cvv 123 4111111111111111')).toEqual({ text: 'cvv 123 XXXX1111', found: 1 });
    expect(scrubCardNumbers('4111 1111 1111 1111 102')).toEqual({ text: 'XXXX1102', found: 1 });
    // 12 digits first, then a card: the window starting at the card is found, whatever came before.
    expect(scrubCardNumbers('1234 5678 9012 4111 1111 1111 1111')).toEqual({ text: '1234 5678 9012 XXXX1111', found: 1 });
  });

  it('masks a run longer than any card when a stretch of it is one (cards glued to other digits)', () => {
    // Found by the OTP proxy fuzzing: two cards written back to back in a reason.
    const glued = scrubCardNumbers('40000000000064000000000000000006customer asked');
    expect(glued).toEqual({ text: 'XXXX0006customer asked', found: 1 });
    expect(scrubCardNumbers('ref 99 4111111111111111 0').text).toBe('ref 99 XXXX1111 0');
    expect(scrubCardNumbers('41111111111111111115').text).toBe('XXXX1115');
    expect(scrubCardNumbers('order 0004111111111111111000').text).toBe('order XXXX1000');
    // A card pasted into the middle of another's grouping: `0` + a UnionPay card is 17 digits.
    expect(scrubCardNumbers('c 400000  0  06200003162799646  00006 x').text).toBe('c 400000  0  XXXX9646  00006 x');
    // In an id field the run is the id: kept, as ever.
    expect(scrubCardNumbers('40000000000064000000000000000006', 'identifier').found).toBe(0);
  });

  it('keeps a long run in which no stretch is a card number', () => {
    expect(scrubCardNumbers('batch 11111111111111111111111111').found).toBe(0);
    expect(scrubCardNumbers('000000000000000000000000 zeros').found).toBe(0);
  });

  it('is idempotent', () => {
    const once = scrubCardNumbers('a 4111 1111 1111 1111, b 5555555555554444').text;
    expect(scrubCardNumbers(once)).toEqual({ text: once, found: 0 });
  });
});

describe('scrubCardNumbers: negatives', () => {
  it.each([
    ['an epoch-milliseconds id (passes Luhn)', '1738916997657'],
    ['an epoch-milliseconds id', '1738916997652'],
    ['an Enkash transaction id', 'EK1738916997652yh8GL'],
    ['an Enkash transaction id passing Luhn', 'EK1738916997657yh8GL'],
    ['an Enkash unique transaction id', 'EK66674UU7T'],
    ['a Juspay event id', 'evt_V2_b737837102414514ae0e9717a9f2664d'],
    ['a Juspay txn id', 'payopsdemo-DOTP1738916997-1'],
    ['an amount', '500.00'],
    ['a large amount', '12345678.9000'],
    ['a surcharge', '0.0000'],
    ['amount and date', 'amount 500.00 on 2025-02-07 14:00:05'],
    ['a phone number', '+91 98765 43210'],
    ['a phone number without spaces', '+919876543210'],
    ['two phone numbers', '+91-80-2345-6789 / 080 2345 6789'],
    ['an IST date-time', '2025-02-07 14:00:05'],
    ['an ISO instant', '2025-02-07T08:30:05.123Z'],
    ['an ISO instant with microseconds', '2025-02-07T08:30:05.123456+05:30'],
    ['a day-first date-time', '07/02/2025 14:00:05'],
    ['a UPI UTR', '503412345678'],
    ['an NEFT UTR', 'N123456789012345'],
    ['an RTGS UTR', 'SBINR52025020712345678'],
    ['an IFSC', 'UTIB0001234'],
    ['a masked card', 'XXXX XXXX XXXX 9015'],
    ['a masked card with its BIN', '411111******1111'],
    ['12 digits that pass Luhn', '411111111117'],
    ['20 digits that pass Luhn, no stretch of them a card', luhnComplete('1', 20)],
    ['a wrong check digit', '4111 1111 1111 1112'],
    ['Luhn-valid outside every issuer range', `${luhnComplete('9', 16)} ${luhnComplete('1', 19)} ${luhnComplete('7', 13)} ${luhnComplete('0', 16)}`],
    ['Amex prefix, Visa length', luhnComplete('37', 16)],
    ['a fraction that is no whole number', '4.1111111111111115e14'],
    ['an exponent too small to make 13 digits', '4111111e5'],
    ['no digits', 'no numbers here'],
    ['nothing', ''],
  ])('leaves %s alone', (_what, text) => {
    expect(scrubCardNumbers(text)).toEqual({ text, found: 0 });
    expect(scrubCardNumbers(text, 'identifier')).toEqual({ text, found: 0 });
  });

  it.each(['', 'no numbers here', '{}', 'a 12 b'])('leaves %j alone in every mode', (text) => {
    for (const mode of ['text', 'identifier', 'any_run'] as const) expect(scrubCardNumbers(text, mode)).toEqual({ text, found: 0 });
  });
});

describe('identifier mode (a provider\'s named id fields)', () => {
  it('keeps a digit run that touches a letter: it is part of the id', () => {
    for (const id of ['EK4111111111111111yh8GL', 'A4111111111111111', '4111111111111111b', 'ORD4111111111111111', 'ЖЖ4111111111111111']) {
      expect(scrubCardNumbers(id, 'identifier')).toEqual({ text: id, found: 0 });
    }
  });

  it('still masks a card number standing alone or written as a number', () => {
    expect(scrubCardNumbers('4111111111111111', 'identifier')).toEqual({ text: 'XXXX1111', found: 1 });
    expect(scrubCardNumbers('order-4111111111111111', 'identifier')).toEqual({ text: 'order-XXXX1111', found: 1 });
    expect(scrubCardNumbers('4111111111111111e0', 'identifier')).toEqual({ text: 'XXXX1111', found: 1 });
    expect(scrubCardNumbers('4.111111111111111e15', 'identifier')).toEqual({ text: 'XXXX1111', found: 1 });
    expect(scrubCardNumbers('ref A1 4111 1111 1111 1111', 'identifier')).toEqual({ text: 'ref A1 XXXX1111', found: 1 });
  });

  it('keeps a purely numeric epoch-ms id', () => {
    expect(scrubCardNumbers('1738916997657', 'identifier')).toEqual({ text: '1738916997657', found: 0 });
  });
});

describe('any_run mode (a body that could not be parsed)', () => {
  it('masks every run of 13 or more digits whatever its prefix or checksum', () => {
    expect(scrubCardNumbers('id=1738916997652&x=9999 9999 9999 9999&y=12', 'any_run')).toEqual({ text: 'id=XXXX7652&x=XXXX9999&y=12', found: 2 });
    expect(scrubCardNumbers('EK1738916997652yh8GL', 'any_run').text).toBe('EKXXXX7652yh8GL');
    expect(scrubCardNumbers('41111111111111111115', 'any_run').text).toBe('XXXX1115');
  });

  it('masks 7 or more digits at the very end, where a size cap may have cut a card number', () => {
    expect(scrubCardNumbers('{"pan":"4111 1111 11', 'any_run').text).toBe('{"pan":"XXXX1111');
    expect(scrubCardNumbers('{"amount":"500.00', 'any_run').text).toBe('{"amount":"500.00');
    expect(scrubCardNumbers('pan 4111111 then text', 'any_run').text).toBe('pan 4111111 then text');
  });
});

describe('literalDigits', () => {
  it.each([
    ['4111111111111111', '', 0, '4111111111111111'],
    ['4', '111111111111111', 15, '4111111111111111'],
    ['41111111111111110', '', -1, '4111111111111111'],
    ['0', '4111111111111111', 16, '4111111111111111'],
    ['4111111111111111', '0', 0, '4111111111111111'],
    ['4', '1', 1, null],
    ['4', '111111111111111', 14, null],
    ['1', '', 400000, null],
  ])('%s.%s e%d → %s', (int, fraction, exponent, digits) => {
    expect(literalDigits(int, fraction, exponent)).toBe(digits);
  });
});

describe('scrubCardNumbersDeep', () => {
  it('scrubs strings, keys and numbers at every level and returns a copy', () => {
    const input = {
      note: 'card 4111 1111 1111 1111',
      '5555555555554444': 'key was a card',
      nested: { list: ['ok', '4111-1111-1111-1111', { deeper: 'x 6521000000000007 y' }] },
      amount: '500.00',
      count: 4111111111111111,
      small: 12,
      flag: true,
      none: null,
    };
    const snapshot = structuredClone(input);
    const { value, found } = scrubCardNumbersDeep(input);
    expect(found).toBe(5);
    expect(value).toEqual({
      note: 'card XXXX1111',
      XXXX4444: 'key was a card',
      nested: { list: ['ok', 'XXXX1111', { deeper: 'x XXXX0007 y' }] },
      amount: '500.00',
      count: 'XXXX1111',
      small: 12,
      flag: true,
      none: null,
    });
    expect(input).toEqual(snapshot);
    expect(value).not.toBe(input);
  });

  it.each([
    '4111111111111111',
    '4111111111111111e0',
    '4111111111111111E0',
    '4111111111111111.0',
    '4111111111111111.00e0',
    '4.111111111111111e15',
    '4.111111111111111e+15',
    '41111111111111110e-1',
    '0.4111111111111111e16',
    '-4111111111111111',
  ])('masks the JSON number %s as parseJsonExact hands it over', (literal) => {
    const parsed = parseJsonExact(`{"transactionId": "x", "pan": ${literal}, "order_id": ${literal}}`);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { value, found } = scrubCardNumbersDeep(parsed.value, { idFields: ['order_id'] });
    expect(found).toBe(2);
    expect(JSON.stringify(value)).not.toMatch(/4111111111111111|111111111111111/);
    expect(JSON.stringify(value)).toContain('XXXX1111');
  });

  it('passes scalars through and scrubs a top-level string', () => {
    expect(scrubCardNumbersDeep(null)).toEqual({ value: null, found: 0 });
    expect(scrubCardNumbersDeep(false)).toEqual({ value: false, found: 0 });
    expect(scrubCardNumbersDeep(12)).toEqual({ value: 12, found: 0 });
    expect(scrubCardNumbersDeep(1738916997657)).toEqual({ value: 1738916997657, found: 0 });
    expect(scrubCardNumbersDeep(4111111111111111n)).toEqual({ value: 'XXXX1111', found: 1 });
    expect(scrubCardNumbersDeep('4111111111111111')).toEqual({ value: 'XXXX1111', found: 1 });
    expect(scrubCardNumbersDeep(['4111111111111111', ['5555555555554444']])).toEqual({ value: ['XXXX1111', ['XXXX4444']], found: 2 });
  });

  it('keeps a __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__": {"pan": "4111111111111111"}}') as unknown;
    const { value, found } = scrubCardNumbersDeep(input);
    expect(found).toBe(1);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ pan: 'XXXX1111' });
  });

  it('keeps letter-touching digit runs in the named id fields only, at any depth', () => {
    const payload = {
      transactionId: 'EK4111111111111111yh8GL',
      nested: { orderId: 'ORD4111111111111111' },
      txnMsg: 'EK4111111111111111yh8GL',
      orderId: '4111111111111111',
    };
    const { value, found } = scrubCardNumbersDeep(payload, { idFields: ['transactionId', 'orderId'] });
    expect(value).toEqual({
      transactionId: 'EK4111111111111111yh8GL',
      nested: { orderId: 'ORD4111111111111111' },
      txnMsg: 'EKXXXX1111yh8GL',
      orderId: 'XXXX1111',
    });
    expect(found).toBe(2);
  });

  it('leaves the documented Enkash ids alone', () => {
    const payload = {
      transactionId: 'EK1738916997652yh8GL',
      uniqueTransactionId: 'EK66674UU7T',
      maskedCardNumber: 'XXXX XXXX XXXX 9015',
      paymentToken: '9ceac38e65db443d5f48',
      txnDate: '2025-02-07 14:00:05',
      note: 'order 1738916997657 at 2025-02-07 14:00:05 for 500.00',
    };
    expect(scrubCardNumbersDeep(payload)).toEqual({ value: payload, found: 0 });
  });
});

describe('linear time on long inputs', () => {
  // Not a benchmark: a catastrophic (quadratic or worse) scan would take minutes here, not seconds.
  it('scans 64 KiB of hostile shapes quickly', () => {
    const inputs = [
      '4'.repeat(65536),
      '4 '.repeat(32768),
      '6-'.repeat(32768),
      '4111 1111 1111 1111 '.repeat(3300),
      '1e1'.repeat(21000),
      '4.1e15 '.repeat(9000),
      'a1'.repeat(32768),
      '४\u00a0'.repeat(32768),
      `${'9'.repeat(40000)}e-1`,
    ];
    const started = performance.now();
    for (const text of inputs) {
      const spans = findCardNumbers(text);
      expect(spans.length).toBeLessThanOrEqual(text.length);
      findCardNumbers(text, 'identifier');
      findCardNumbers(text, 'any_run');
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('lastFour', () => {
  it.each([
    ['XXXX XXXX XXXX 9015', '9015'],
    ['4111********1111', '1111'],
    ['XXXX1111', '1111'],
    ['XXXX XXXX XXXX 9015  ', '9015'],
    ['9015', '9015'],
  ])('reads %j', (masked, digits) => {
    expect(lastFour(masked)).toBe(digits);
  });

  it.each([null, undefined, '', 'XXXX XXXX XXXX X015', 'XXXX 901', '9015 XXXX', '   '])('gives null for %j', (masked) => {
    expect(lastFour(masked)).toBeNull();
  });
});
