// Card-number scrubbing. PCI DSS 3.4: a full card number (PAN) must never be stored, logged
// or shown, so every text PayOps writes passes through here first (../shared/DESIGN.md,
// "Free text is scrubbed too"). One scanner serves payloads, headers, reasons, names, audit
// rows and logs, so a card written one way is never caught in one place and missed in another.

const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;
/** A window of digit groups is never wider than this many groups (one digit each at most 19). */
const MAX_WINDOW_GROUPS = MAX_PAN_DIGITS;

const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The issuer ranges (IIN prefixes and PAN lengths) of the schemes PayOps can see. A digit run is
 * a card number only when it falls in one of these AND passes Luhn: Luhn alone lets one run in
 * ten through, which would destroy epoch-milliseconds ids (prefix 1, never a card) and the like.
 */
const ISSUERS: readonly { scheme: string; from: string; to: string; lengths: readonly number[] }[] = [
  { scheme: 'Visa', from: '4', to: '4', lengths: [13, 16, 19] },
  { scheme: 'Mastercard', from: '51', to: '55', lengths: [16] },
  { scheme: 'Mastercard', from: '2221', to: '2720', lengths: [16] },
  { scheme: 'American Express', from: '34', to: '34', lengths: [15] },
  { scheme: 'American Express', from: '37', to: '37', lengths: [15] },
  { scheme: 'Diners Club', from: '300', to: '305', lengths: span(14, 19) },
  { scheme: 'Diners Club', from: '36', to: '36', lengths: span(14, 19) },
  { scheme: 'Diners Club', from: '38', to: '39', lengths: span(14, 19) },
  { scheme: 'Discover', from: '6011', to: '6011', lengths: span(16, 19) },
  { scheme: 'Discover', from: '644', to: '649', lengths: span(16, 19) },
  { scheme: 'Discover', from: '65', to: '65', lengths: span(16, 19) },
  { scheme: 'JCB', from: '3528', to: '3589', lengths: span(16, 19) },
  { scheme: 'UnionPay', from: '62', to: '62', lengths: span(16, 19) },
  { scheme: 'RuPay', from: '60', to: '60', lengths: [16] },
  { scheme: 'RuPay', from: '65', to: '65', lengths: [16] },
  { scheme: 'RuPay', from: '81', to: '82', lengths: [16] },
  { scheme: 'RuPay', from: '508', to: '508', lengths: [16] },
  { scheme: 'RuPay', from: '353', to: '353', lengths: [16] },
  { scheme: 'RuPay', from: '356', to: '356', lengths: [16] },
  // Maestro's ranges are wide (12–19 digits; 12 is below what PayOps treats as a card).
  { scheme: 'Maestro', from: '50', to: '50', lengths: span(12, 19) },
  { scheme: 'Maestro', from: '56', to: '69', lengths: span(12, 19) },
];

/** True when `digits` is a non-empty string of ASCII digits passing the Luhn check. */
export function luhnValid(digits: string): boolean {
  return /^\d+$/.test(digits) && luhnSum(digits) % 10 === 0;
}

function luhnSum(digits: string): number {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}

// Indexed by first digit: the scanner tests many windows, most of which start with a digit no
// scheme uses (an epoch-milliseconds id starts with 1).
const ISSUERS_BY_FIRST_DIGIT = Array.from({ length: 10 }, (_, d) => ISSUERS.filter((i) => i.from[0] <= String(d) && String(d) <= i.to[0]));

function schemeOf(digits: string): string | null {
  if (digits.length < MIN_PAN_DIGITS || digits.length > MAX_PAN_DIGITS) return null;
  for (const issuer of ISSUERS_BY_FIRST_DIGIT[digits.charCodeAt(0) - 48]) {
    const prefix = digits.slice(0, issuer.from.length);
    if (prefix >= issuer.from && prefix <= issuer.to && issuer.lengths.includes(digits.length)) return issuer.scheme;
  }
  return null;
}

/** The scheme whose issuer range and length `digits` fits (Luhn not checked), else null. */
export function cardScheme(digits: string): string | null {
  return /^\d+$/.test(digits) ? schemeOf(digits) : null;
}

/** A card number: 13–19 ASCII digits in a scheme's issuer range, passing Luhn. */
export function isCardNumber(digits: string): boolean {
  return cardScheme(digits) !== null && luhnValid(digits);
}

/** isCardNumber for text already known to be ASCII digits (the scanner's windows). */
const isCardDigits = (digits: string) => schemeOf(digits) !== null && luhnSum(digits) % 10 === 0;

/**
 * How a text is read:
 * - `text`: free text. Every card number goes, wherever it sits (`ref4111111111111111` too).
 * - `identifier`: a provider's named id field (Enkash `transactionId`, Juspay `order_id`…). A digit
 *   run touching a letter is part of the identifier (`EK1738916997652yh8GL`) and kept; a card
 *   number standing alone, or the whole value written as a number, still goes.
 * - `any_run`: a body that could not be parsed, so nothing is known about it: every run of 13 or
 *   more digits goes whatever its prefix or checksum, and so does a run of 7 or more at the very
 *   end (a card number cut off by a size cap).
 */
export type ScanMode = 'text' | 'identifier' | 'any_run';

export interface CardSpan {
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  /** The last four digits, as ASCII. */
  last4: string;
}

interface Group {
  start: number;
  end: number;
  /** The group's digits as ASCII (digits of any script are read by value). */
  digits: string;
  /** Only separators (no letter) between this group and the one before. */
  joined: boolean;
  letterBefore: boolean;
  letterAfter: boolean;
}

const SEPARATOR = 0;
const DIGIT = 1;
const LETTER = 2;
const classCache = new Map<number, number>();
const ND = /\p{Nd}/u;
const ALNUM = /[\p{L}\p{N}]/u;

/** Separator, digit or letter (anything alphanumeric that is not a decimal digit counts as a letter). */
function classify(cp: number): number {
  if (cp < 0x80) {
    if (cp >= 0x30 && cp <= 0x39) return DIGIT;
    return (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) ? LETTER : SEPARATOR;
  }
  let c = classCache.get(cp);
  if (c === undefined) {
    const ch = String.fromCodePoint(cp);
    c = ND.test(ch) ? DIGIT : ALNUM.test(ch) ? LETTER : SEPARATOR;
    if (classCache.size < 4096) classCache.set(cp, c);
  }
  return c;
}

/**
 * The value of a decimal digit of any script (Devanagari ४, fullwidth ４…): Unicode lays every
 * set of decimal digits out as ten consecutive code points from zero, so it is the distance to
 * the start of its block, modulo ten.
 */
const valueCache = new Map<number, number>();
function digitValue(cp: number): number {
  if (cp < 0x80) return cp - 0x30;
  let value = valueCache.get(cp);
  if (value === undefined) {
    let back = 0;
    while (back < 60 && classify(cp - back - 1) === DIGIT) back++;
    value = back % 10;
    if (valueCache.size < 4096) valueCache.set(cp, value);
  }
  return value;
}

function scanGroups(text: string): { groups: Group[]; letterAtEnd: boolean } {
  const groups: Group[] = [];
  let current: Group | null = null;
  let letterSinceGroup = false;
  let previous = SEPARATOR;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const c = classify(cp);
    if (c === DIGIT) {
      if (!current) {
        current = { start: i, end: i, digits: '', joined: groups.length > 0 && !letterSinceGroup, letterBefore: previous === LETTER, letterAfter: false };
        groups.push(current);
      }
      current.digits += String.fromCharCode(48 + digitValue(cp));
      current.end = i + width;
    } else {
      if (current) {
        current.letterAfter = c === LETTER;
        current = null;
        letterSinceGroup = false;
      }
      if (c === LETTER) letterSinceGroup = true;
    }
    previous = c;
    i += width;
  }
  return { groups, letterAtEnd: letterSinceGroup };
}

/**
 * The exact integer a number literal stands for (`4.111111111111111e15` → `4111111111111111`),
 * or null when it is not a whole number of 13–19 digits.
 */
export function literalDigits(intPart: string, fraction: string, exponent: number): string | null {
  let digits = intPart + fraction;
  let point = intPart.length + exponent;
  let zeros = 0;
  while (zeros < digits.length && digits.charCodeAt(zeros) === 48) zeros++;
  digits = digits.slice(zeros);
  point -= zeros;
  if (digits === '' || point < MIN_PAN_DIGITS || point > MAX_PAN_DIGITS) return null;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return /^0*$/.test(digits.slice(point)) ? digits.slice(0, point) : null;
}

const isAlnumAt = (text: string, i: number) => i >= 0 && i < text.length && classify(text.codePointAt(i)!) !== SEPARATOR;

/**
 * A number literal with an exponent starting at group `i`: `<int>[.<fraction>](e|E)[+|-]<exp>`.
 * JSON can write a card number that way (`41111111111111110e-1`), and no run of digit groups
 * then holds it, so its value is worked out and tested instead.
 */
function exponentLiteral(text: string, groups: Group[], i: number): { end: number; digits: string } | null {
  const int = groups[i];
  let p = int.end;
  let fraction = '';
  let k = i + 1;
  if (text[p] === '.' && groups[k]?.start === p + 1) {
    fraction = groups[k].digits;
    p = groups[k].end;
    k++;
  }
  if (text[p] !== 'e' && text[p] !== 'E') return null;
  let q = p + 1;
  const negative = text[q] === '-';
  if (text[q] === '-' || text[q] === '+') q++;
  const exp = groups[k];
  if (!exp || exp.start !== q || exp.digits.length > 4) return null;
  const digits = literalDigits(int.digits, fraction, (negative ? -1 : 1) * Number(exp.digits));
  return digits && isCardDigits(digits) ? { end: exp.end, digits } : null;
}

/**
 * Most strings (names, statuses, amounts, short ids) cannot hold one: fewer than 13 ASCII digits,
 * no exponent that could stretch a few digits into a card number (`4.2e15` is a Visa number), and
 * nothing outside ASCII (a digit of another script). Checked in one cheap pass.
 */
function mightHoldCard(text: string, mode: ScanMode): boolean {
  let digits = 0;
  let exponent = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c >= 0x80) return true;
    else if (c === 0x65 || c === 0x45) exponent = true;
  }
  return digits >= (mode === 'any_run' ? 7 : MIN_PAN_DIGITS) || (exponent && digits > 0 && mode !== 'any_run');
}

/**
 * Where the card numbers in `text` are. Digit groups joined by any run of non-alphanumeric
 * characters (spaces of every kind, tabs, newlines, dots, slashes, underscores, commas, " - ")
 * are read as one number; every window of whole groups holding 13–19 digits is tested, so a
 * card is found whatever digits or separators surround it. Overlapping finds are merged. Linear
 * in the length of the text: a window never spans more than 19 groups or 19 digits.
 */
export function findCardNumbers(text: string, mode: ScanMode = 'text'): CardSpan[] {
  if (!mightHoldCard(text, mode)) return [];
  const { groups, letterAtEnd } = scanGroups(text);
  const found: CardSpan[] = [];
  let runStart = 0;
  for (let g = 0; g <= groups.length; g++) {
    if (g < groups.length && (g === runStart || groups[g].joined)) continue;
    if (g === runStart) break; // no digits at all
    // groups[runStart .. g-1] is one run of joined groups.
    if (mode === 'any_run') {
      const run = groups.slice(runStart, g);
      const digits = run.map((x) => x.digits).join('');
      const atEnd = g === groups.length && !letterAtEnd && !run[run.length - 1].letterAfter;
      if (digits.length >= MIN_PAN_DIGITS || (atEnd && digits.length >= 7)) {
        found.push({ start: run[0].start, end: run[run.length - 1].end, last4: digits.slice(-4) });
      }
    } else {
      // The run's digits once, each window a slice of them.
      const offsets = [0];
      let all = '';
      for (let k = runStart; k < g; k++) {
        all += groups[k].digits;
        offsets.push(all.length);
      }
      for (let i = runStart; i < g; i++) {
        const from = offsets[i - runStart];
        for (let j = i; j < g && j - i < MAX_WINDOW_GROUPS; j++) {
          const to = offsets[j - runStart + 1];
          if (to - from > MAX_PAN_DIGITS) break;
          if (to - from < MIN_PAN_DIGITS) continue;
          if (mode === 'identifier' && (groups[i].letterBefore || groups[j].letterAfter)) continue;
          const digits = all.slice(from, to);
          if (isCardDigits(digits)) found.push({ start: groups[i].start, end: groups[j].end, last4: digits.slice(-4) });
        }
      }
      // Free text: a card glued to other digits (`4000000000006` + `4000000000000000006`, or
      // `0` + a card) is one group the windows above never split. In free text such a group is no
      // identifier anyone matches on: if any stretch of it is a card number, the whole group goes.
      if (mode === 'text') {
        for (let k = runStart; k < g; k++) {
          const { digits } = groups[k];
          if (digits.length > MIN_PAN_DIGITS && holdsCardStretch(digits)) found.push({ start: groups[k].start, end: groups[k].end, last4: digits.slice(-4) });
        }
      }
    }
    runStart = g;
  }
  if (mode !== 'any_run') {
    for (let i = 0; i < groups.length; i++) {
      const literal = exponentLiteral(text, groups, i);
      if (!literal) continue;
      if (mode === 'identifier' && (groups[i].letterBefore || isAlnumAt(text, literal.end))) continue;
      found.push({ start: groups[i].start, end: literal.end, last4: literal.digits.slice(-4) });
    }
  }
  return mergeSpans(found);
}

/** Whether any 13–19-digit stretch of `digits` (ASCII) is a card number; stops at the first. */
function holdsCardStretch(digits: string): boolean {
  for (let from = 0; from + MIN_PAN_DIGITS <= digits.length; from++) {
    for (let length = MIN_PAN_DIGITS; length <= MAX_PAN_DIGITS && from + length <= digits.length; length++) {
      if (isCardDigits(digits.slice(from, from + length))) return true;
    }
  }
  return false;
}

/** Sorted, overlapping spans merged; a merged span keeps the last four of the part ending last. */
function mergeSpans(spans: CardSpan[]): CardSpan[] {
  if (spans.length < 2) return spans;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: CardSpan[] = [{ ...sorted[0] }];
  for (const s of sorted.slice(1)) {
    const last = out[out.length - 1];
    if (s.start < last.end) {
      if (s.end > last.end) Object.assign(last, { end: s.end, last4: s.last4 });
    } else {
      out.push({ ...s });
    }
  }
  return out;
}

/** What a card number becomes: `XXXX` and its last four digits. */
export const maskedCard = (last4: string) => `XXXX${last4}`;

/**
 * Replaces every card number in `text` with `XXXX` and its last four digits (see
 * findCardNumbers for what counts as one, and ScanMode for how `mode` changes that).
 */
export function scrubCardNumbers(text: string, mode: ScanMode = 'text'): { text: string; found: number } {
  const spans = findCardNumbers(text, mode);
  if (spans.length === 0) return { text, found: 0 };
  let out = '';
  let copiedTo = 0;
  for (const s of spans) {
    out += text.slice(copiedTo, s.start) + maskedCard(s.last4);
    copiedTo = s.end;
  }
  return { text: out + text.slice(copiedTo), found: spans.length };
}

export interface DeepScrubOptions {
  /**
   * The provider's id fields (by exact key, at any depth): their string values are read in
   * `identifier` mode, so a digit run inside an alphanumeric id survives.
   */
  idFields?: Iterable<string>;
}

/**
 * Scrubs card numbers from JSON-like data and returns a new copy: every string (object keys
 * included) and every number. Payloads come from parseJsonExact, which hands number literals over
 * as their source text, so `4.111111111111111e15` arrives as a string and is read by its value.
 * A number (from elsewhere) that is a card number becomes its masked string.
 */
export function scrubCardNumbersDeep(value: unknown, options: DeepScrubOptions = {}): { value: unknown; found: number } {
  const idFields = new Set(options.idFields ?? []);
  let found = 0;
  const scrub = (s: string, mode: ScanMode): string => {
    const result = scrubCardNumbers(s, mode);
    found += result.found;
    return result.text;
  };
  const walk = (v: unknown, mode: ScanMode): unknown => {
    if (typeof v === 'string') return scrub(v, mode);
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) {
      const digits = BigInt(v).toString().replace('-', '');
      if (!isCardNumber(digits)) return v;
      found++;
      return maskedCard(digits.slice(-4));
    }
    if (Array.isArray(v)) return v.map((item) => walk(item, mode));
    if (v !== null && typeof v === 'object') {
      // fromEntries defines own properties, so a `__proto__` key stays a plain key.
      return Object.fromEntries(
        Object.entries(v).map(([k, item]) => [scrub(k, 'text'), walk(item, idFields.has(k) ? 'identifier' : 'text')]),
      );
    }
    return v;
  };
  return { value: walk(value, 'text'), found };
}

/** Last four digits of a masked card number (`XXXX XXXX XXXX 9015` → `9015`), else null. */
export function lastFour(masked: string | null | undefined): string | null {
  if (typeof masked !== 'string') return null;
  const match = /(\d{4})$/.exec(masked.trimEnd());
  return match ? match[1] : null;
}
