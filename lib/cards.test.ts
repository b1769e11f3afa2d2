import { describe, expect, it } from 'vitest';
import { lastFour, luhnValid, scrubCardNumbers, scrubCardNumbersDeep } from './cards';

describe('luhnValid', () => {
  it.each([
    '4111111111111111', // Visa
    '5555555555554444', // Mastercard
    '378282246310005', // Amex
    '6521000000000007', // RuPay
    '6011000000000000001', // 19 digits
    '0',
  ])('accepts %s', (digits) => {
    expect(luhnValid(digits)).toBe(true);
  });

  it.each(['4111111111111112', '1738916997652', '', '4111 1111 1111 1111', '41111111111111a1', '-4111111111111111'])(
    'refuses %j',
    (digits) => {
      expect(luhnValid(digits)).toBe(false);
    },
  );
});

describe('scrubCardNumbers', () => {
  it.each([
    ['4111111111111111', 'XXXX1111'],
    ['4111 1111 1111 1111', 'XXXX1111'],
    ['4111-1111-1111-1111', 'XXXX1111'],
    ['4111 1111-1111 1111', 'XXXX1111'],
    ['5555 5555 5555 4444', 'XXXX4444'],
    ['3782 822463 10005', 'XXXX0005'],
    ['6521 0000 0000 0007', 'XXXX0007'],
    ['6011 0000 0000 0000 001', 'XXXX0001'],
  ])('masks %s', (input, masked) => {
    expect(scrubCardNumbers(input)).toEqual({ text: masked, found: 1 });
  });

  it('masks a card number inside a sentence and next to punctuation', () => {
    expect(scrubCardNumbers('Paid with 4111 1111 1111 1111 today.')).toEqual({
      text: 'Paid with XXXX1111 today.',
      found: 1,
    });
    expect(scrubCardNumbers('card:4111111111111111.')).toEqual({ text: 'card:XXXX1111.', found: 1 });
    expect(scrubCardNumbers('(5555-5555-5555-4444),')).toEqual({ text: '(XXXX4444),', found: 1 });
    expect(scrubCardNumbers('"pan":"4111111111111111"')).toEqual({ text: '"pan":"XXXX1111"', found: 1 });
    expect(scrubCardNumbers('x_4111111111111111_y')).toEqual({ text: 'x_XXXX1111_y', found: 1 });
  });

  it('masks every card number in a string', () => {
    expect(scrubCardNumbers('first 4111111111111111, then 5555 5555 5555 4444')).toEqual({
      text: 'first XXXX1111, then XXXX4444',
      found: 2,
    });
    // One run of 32 digits in two groups: each group is a card number of its own.
    expect(scrubCardNumbers('4111111111111111 4242424242424242')).toEqual({
      text: 'XXXX1111 XXXX4242',
      found: 2,
    });
  });

  it('never touches digits inside alphanumeric ids', () => {
    // 1738916997657 passes Luhn: only the letters around it keep it safe.
    expect(luhnValid('1738916997657')).toBe(true);
    for (const id of ['EK1738916997652yh8GL', 'EK1738916997657yh8GL', 'A4111111111111111', '4111111111111111b']) {
      expect(scrubCardNumbers(id)).toEqual({ text: id, found: 0 });
    }
    expect(scrubCardNumbers('ЖЖ4111111111111111')).toEqual({ text: 'ЖЖ4111111111111111', found: 0 });
  });

  it('still masks separated groups when only the first or last group touches a letter', () => {
    expect(scrubCardNumbers('ref A1 4111 1111 1111 1111')).toEqual({ text: 'ref A1 XXXX1111', found: 1 });
    expect(scrubCardNumbers('4111 1111 1111 1111 7x')).toEqual({ text: 'XXXX1111 7x', found: 1 });
  });

  it('leaves numbers that are not card numbers', () => {
    for (const text of [
      '4111111111111112', // 16 digits, fails Luhn
      '4111 1111 1111 1112',
      '411111111117', // 12 digits, passes Luhn
      '41111111111111111115', // 20 digits, passes Luhn
      'amount 500.00 on 2025-02-07 14:00:05',
      '+91 98765 43210',
    ]) {
      expect(scrubCardNumbers(text)).toEqual({ text, found: 0 });
    }
  });

  it('keeps a CVV that follows the card number', () => {
    expect(scrubCardNumbers('4111 1111 1111 1111 123')).toEqual({ text: 'XXXX1111 123', found: 1 });
    expect(scrubCardNumbers('4111111111111111 123')).toEqual({ text: 'XXXX1111 123', found: 1 });
    expect(scrubCardNumbers('4111-1111-1111-1111-123')).toEqual({ text: 'XXXX1111-123', found: 1 });
    expect(scrubCardNumbers('cvv 123 4111111111111111')).toEqual({ text: 'cvv 123 XXXX1111', found: 1 });
  });

  it('replaces the whole run when the whole run passes, even with a CVV in it', () => {
    // 4111111111111111102 is 19 digits and passes Luhn: the card is hidden either way.
    expect(scrubCardNumbers('4111 1111 1111 1111 102')).toEqual({ text: 'XXXX1102', found: 1 });
  });

  it('treats double separators as the end of a run', () => {
    expect(scrubCardNumbers('4111  1111  1111  1111')).toEqual({ text: '4111  1111  1111  1111', found: 0 });
  });

  it('handles text without digits and empty text', () => {
    expect(scrubCardNumbers('')).toEqual({ text: '', found: 0 });
    expect(scrubCardNumbers('no numbers here')).toEqual({ text: 'no numbers here', found: 0 });
  });
});

describe('scrubCardNumbersDeep', () => {
  it('scrubs strings and keys at every level and returns a copy', () => {
    const input = {
      note: 'card 4111 1111 1111 1111',
      '5555555555554444': 'key was a card',
      nested: { list: ['ok', '4111-1111-1111-1111', { deeper: 'x 6521000000000007 y' }] },
      amount: '500.00',
      count: 4111111111111111,
      flag: true,
      none: null,
    };
    const snapshot = structuredClone(input);
    const { value, found } = scrubCardNumbersDeep(input);
    expect(found).toBe(4);
    expect(value).toEqual({
      note: 'card XXXX1111',
      XXXX4444: 'key was a card',
      nested: { list: ['ok', 'XXXX1111', { deeper: 'x XXXX0007 y' }] },
      amount: '500.00',
      count: 4111111111111111,
      flag: true,
      none: null,
    });
    expect(input).toEqual(snapshot);
    expect(value).not.toBe(input);
  });

  it('passes scalars through and scrubs a top-level string', () => {
    expect(scrubCardNumbersDeep(null)).toEqual({ value: null, found: 0 });
    expect(scrubCardNumbersDeep(false)).toEqual({ value: false, found: 0 });
    expect(scrubCardNumbersDeep(12)).toEqual({ value: 12, found: 0 });
    expect(scrubCardNumbersDeep('4111111111111111')).toEqual({ value: 'XXXX1111', found: 1 });
    expect(scrubCardNumbersDeep(['4111111111111111', ['5555555555554444']])).toEqual({
      value: ['XXXX1111', ['XXXX4444']],
      found: 2,
    });
  });

  it('keeps a __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__": {"pan": "4111111111111111"}}') as unknown;
    const { value, found } = scrubCardNumbersDeep(input);
    expect(found).toBe(1);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ pan: 'XXXX1111' });
  });

  it('leaves the documented Enkash ids alone', () => {
    const payload = {
      transactionId: 'EK1738916997652yh8GL',
      uniqueTransactionId: 'EK66674UU7T',
      maskedCardNumber: 'XXXX XXXX XXXX 9015',
      paymentToken: '9ceac38e65db443d5f48',
      txnDate: '2025-02-07 14:00:05',
    };
    expect(scrubCardNumbersDeep(payload)).toEqual({ value: payload, found: 0 });
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
