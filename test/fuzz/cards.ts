// Card numbers for the fuzz tests: Luhn-valid numbers from the issuer ranges of the schemes PayOps
// can see, written the ways people and systems write them. Independent of lib/cards.ts on
// purpose: the tests must not share the scrubber's idea of what a card number is.
import fc from 'fast-check';

export interface Card {
  scheme: string;
  /** The card number, digits only. */
  digits: string;
}

interface Scheme {
  name: string;
  /** Issuer prefixes: a fixed string, or an inclusive range of same-length numbers. */
  prefixes: (string | [number, number])[];
  lengths: number[];
}

// Public issuer ranges (IIN / BIN prefixes) and the lengths each scheme issues.
export const SCHEMES: Scheme[] = [
  { name: 'visa', prefixes: ['4'], lengths: [13, 16, 19] },
  { name: 'mastercard', prefixes: [[51, 55], [2221, 2720]], lengths: [16] },
  { name: 'rupay', prefixes: ['60', '65', '81', '82', '508'], lengths: [16] },
  { name: 'amex', prefixes: ['34', '37'], lengths: [15] },
  { name: 'diners', prefixes: [[300, 305], '36', '38', '39'], lengths: [14, 16] },
  { name: 'discover', prefixes: ['6011', [644, 649], '65'], lengths: [16, 19] },
  { name: 'jcb', prefixes: [[3528, 3589]], lengths: [16, 19] },
  { name: 'maestro', prefixes: ['5018', '5020', '5038', '5893', '6304', '6759', '6761', '6762', '6763'], lengths: [13, 16, 19] },
  { name: 'unionpay', prefixes: ['62'], lengths: [16, 17, 18, 19] },
];

/** The Luhn check digit that completes `partial`. */
export function luhnCheckDigit(partial: string): string {
  let sum = 0;
  // Counting from the right of the finished number, the check digit is position 0.
  for (let i = partial.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function luhnValid(digits: string): boolean {
  return /^\d{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

const prefixArb = (p: string | [number, number]) => (typeof p === 'string' ? fc.constant(p) : fc.integer({ min: p[0], max: p[1] }).map(String));

/** A Luhn-valid card number of a random scheme, prefix and length. */
export const cardArb: fc.Arbitrary<Card> = fc
  .constantFrom(...SCHEMES)
  .chain((scheme) =>
    fc
      .tuple(fc.oneof(...scheme.prefixes.map(prefixArb)), fc.constantFrom(...scheme.lengths))
      .chain(([prefix, length]) =>
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length - prefix.length - 1, maxLength: length - prefix.length - 1 }).map((body) => {
          const partial = prefix + body;
          return { scheme: scheme.name, digits: partial + luhnCheckDigit(partial) };
        }),
      ),
  );

/** Separators by name, so a counterexample says `nbsp` where it would print an invisible character. */
export const SEPARATORS = {
  none: '',
  space: ' ',
  dash: '-',
  nbsp: '\u00a0',
  'double space': '  ',
  tab: '\t',
  newline: '\n',
  dot: '.',
  slash: '/',
  underscore: '_',
  comma: ',',
  'spaced dash': ' - ',
  colon: ':',
} as const;
export type Separator = keyof typeof SEPARATORS;

/** The separators the scrubber has always handled (none, one space, one dash). */
export const NARROW_SEPARATORS: readonly Separator[] = ['none', 'space', 'dash'];
/** Every other separator seen in the wild: the list. */
export const OTHER_SEPARATORS: readonly Separator[] = ['nbsp', 'double space', 'tab', 'newline', 'dot', 'slash', 'underscore', 'comma', 'spaced dash'];
export const ALL_SEPARATORS: readonly Separator[] = [...NARROW_SEPARATORS, ...OTHER_SEPARATORS];

export type Grouping = 'fours' | 'scheme' | 'each' | number[];

/** How a card number is written: its groups and the separator(s) between them. */
export interface Written {
  grouping: Grouping;
  /** One separator for every gap, or one per gap (cycled). */
  separators: Separator[];
}

function groups(digits: string, grouping: Grouping): string[] {
  let sizes: number[];
  if (grouping === 'each') sizes = Array(digits.length).fill(1);
  else if (grouping === 'fours') sizes = Array(Math.ceil(digits.length / 4)).fill(4);
  else if (grouping === 'scheme') sizes = digits.length === 15 ? [4, 6, 5] : digits.length === 14 ? [4, 6, 4] : Array(Math.ceil(digits.length / 4)).fill(4);
  else sizes = grouping;
  const out: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= digits.length) break;
    out.push(digits.slice(at, at + Math.max(1, size)));
    at += Math.max(1, size);
  }
  if (at < digits.length) out.push(digits.slice(at));
  return out;
}

export function writeCard(digits: string, written: Written): string {
  const parts = groups(digits, written.grouping);
  const seps = written.separators.length ? written.separators.map((name) => SEPARATORS[name]) : [''];
  return parts.reduce((s, part, i) => (i === 0 ? part : s + seps[(i - 1) % seps.length] + part));
}

/** A way of writing a card number with separators drawn from `separators`. */
export const writtenArb = (separators: readonly Separator[]): fc.Arbitrary<Written> =>
  fc.record({
    grouping: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Grouping>('fours') },
      { weight: 2, arbitrary: fc.constant<Grouping>('scheme') },
      { weight: 1, arbitrary: fc.constant<Grouping>('each') },
      { weight: 2, arbitrary: fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 6 }) },
    ),
    separators: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...separators).map((s) => [s]) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...separators), { minLength: 2, maxLength: 4 }) },
    ),
  });

/**
 * JSON number literals whose value is the card number: `4111111111111111e0`,
 * `4.111111111111111e15` and the like. All are exact (no float rounding involved).
 */
export const NUMBER_FORMS = ['plain', 'e0', 'E+0', 'mantissa', 'mantissaE', 'dot0', 'tenth', 'fraction', 'negative', 'dot000e0'] as const;
export type NumberForm = (typeof NUMBER_FORMS)[number];

export function cardAsJsonNumber(d: string, form: NumberForm): string {
  switch (form) {
    case 'plain':
      return d;
    case 'e0':
      return `${d}e0`;
    case 'E+0':
      return `${d}E+0`;
    case 'mantissa':
      return `${d[0]}.${d.slice(1)}e${d.length - 1}`;
    case 'mantissaE':
      return `${d[0]}.${d.slice(1)}E+${d.length - 1}`;
    case 'dot0':
      return `${d}.0`;
    case 'tenth':
      return `${d}0e-1`;
    case 'fraction':
      return `0.${d}e${d.length}`;
    case 'negative':
      return `-${d}`;
    case 'dot000e0':
      return `${d}.000e0`;
  }
}

/** An epoch-milliseconds id (13 digits, 2017–2033) that passes Luhn: an id that cannot be a card. */
export const epochMsLuhnIdArb = fc.integer({ min: 1_500_000_000_00, max: 1_999_999_999_99 }).map((n) => {
  const partial = String(n);
  return partial + luhnCheckDigit(partial);
});
