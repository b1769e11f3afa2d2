// Card-number scrubbing. PCI DSS 3.4: a full card number (PAN) must never be stored, logged
// or shown, so anything that may carry one is passed through here before it is written.

const MIN_PAN_DIGITS = 13;
const MAX_PAN_DIGITS = 19;

/** True when `digits` is a non-empty string of ASCII digits passing the Luhn check. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
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
  return sum % 10 === 0;
}

// A candidate: a maximal run of digit groups joined by a single space or a single dash.
const DIGIT_RUN = /\d+(?:[ -]\d+)*/g;
const ALNUM_BEFORE = /[\p{L}\p{N}]$/u;
const ALNUM_AFTER = /^[\p{L}\p{N}]/u;

interface Group {
  start: number;
  end: number;
}

function isPan(digits: string): boolean {
  return digits.length >= MIN_PAN_DIGITS && digits.length <= MAX_PAN_DIGITS && luhnValid(digits);
}

/**
 * Replaces every card number in `text` with `XXXX` and its last four digits.
 *
 * A run that touches a letter or digit is part of an identifier, not a card number: Enkash
 * transaction ids such as `EK1738916997652yh8GL` embed an epoch-milliseconds digit run, and
 * about one in ten of those passes Luhn, so scrubbing them would destroy the ids we match on.
 * Within a separated run only the run's own outer edges count; inner groups are bounded by
 * separators, so `ref A1 4111 1111 1111 1111` still loses its card number.
 */
export function scrubCardNumbers(text: string): { text: string; found: number } {
  let found = 0;
  const scrubbed = text.replace(DIGIT_RUN, (run: string, offset: number) => {
    const groups: Group[] = [];
    const groupPattern = /\d+/g;
    for (let m = groupPattern.exec(run); m; m = groupPattern.exec(run)) {
      groups.push({ start: m.index, end: m.index + m[0].length });
    }
    const end = offset + run.length;
    // Two code units either side, so a letter outside the BMP (a surrogate pair) is seen whole.
    const leftFree = !ALNUM_BEFORE.test(text.slice(Math.max(0, offset - 2), offset));
    const rightFree = !ALNUM_AFTER.test(text.slice(end, end + 2));

    let out = '';
    let copiedTo = 0;
    let i = 0;
    while (i < groups.length) {
      const j = longestPanWindow(run, groups, i, leftFree || i > 0, rightFree);
      if (j < 0) {
        i++;
        continue;
      }
      const digits = windowDigits(run, groups, i, j);
      out += run.slice(copiedTo, groups[i].start) + 'XXXX' + digits.slice(-4);
      copiedTo = groups[j].end;
      found++;
      i = j + 1;
    }
    return out + run.slice(copiedTo);
  });
  return { text: scrubbed, found };
}

/** Index of the last group of the longest PAN window starting at group `i`, or -1. */
function longestPanWindow(
  run: string,
  groups: Group[],
  i: number,
  leftFree: boolean,
  rightFree: boolean,
): number {
  if (!leftFree) return -1;
  // Windows longer than 19 digits cannot match, which keeps this linear in the run length.
  let last = i;
  let count = 0;
  while (last < groups.length && count + (groups[last].end - groups[last].start) <= MAX_PAN_DIGITS) {
    count += groups[last].end - groups[last].start;
    last++;
  }
  for (let j = last - 1; j >= i; j--) {
    if (j === groups.length - 1 && !rightFree) continue;
    if (isPan(windowDigits(run, groups, i, j))) return j;
  }
  return -1;
}

function windowDigits(run: string, groups: Group[], i: number, j: number): string {
  let digits = '';
  for (let k = i; k <= j; k++) digits += run.slice(groups[k].start, groups[k].end);
  return digits;
}

/**
 * Scrubs card numbers from every string in JSON-like data, object keys included, and
 * returns a new copy. Numbers are left alone: payloads are parsed with `parseJsonExact`,
 * which hands number literals over as strings, so those are scrubbed as strings.
 */
export function scrubCardNumbersDeep(value: unknown): { value: unknown; found: number } {
  let found = 0;
  const scrubString = (s: string): string => {
    const result = scrubCardNumbers(s);
    found += result.found;
    return result.text;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrubString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      // fromEntries defines own properties, so a `__proto__` key stays a plain key.
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [scrubString(k), walk(item)]));
    }
    return v;
  };
  const scrubbed = walk(value);
  return { value: scrubbed, found };
}

/** Last four digits of a masked card number (`XXXX XXXX XXXX 9015` → `9015`), else null. */
export function lastFour(masked: string | null | undefined): string | null {
  if (typeof masked !== 'string') return null;
  const match = /(\d{4})$/.exec(masked.trimEnd());
  return match ? match[1] : null;
}
