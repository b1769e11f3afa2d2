// Secrets (Enkash's paymentToken, Juspay's saved-card references) are removed by meaning, not by
// spelling: a key is a secret's whatever its case, separators or escapes (`payment\u0054oken`,
// `PAYMENT_TOKEN`, `payment%54oken`), and its value goes whatever its type. Parsed data is walked;
// text that could not be parsed is read through its escapes and every `key=value`,
// `"key": value`, `key: value` and `<key>value` form of a secret is masked.

import { findCardNumbers, maskedCard } from '@/lib/cards';
import { REDACTED } from '@/lib/payments/claim';

const keyCache = new Map<string, string>();

/** A key as compared: escapes read, compatibility forms folded, lower case, letters and digits only. */
export function normalizeKey(key: string): string {
  let normalized = keyCache.get(key);
  if (normalized === undefined) {
    normalized = normalizeKeyPlain(decodeEscapes(key));
    // Payloads repeat the same few keys: remembered, within a bound.
    if (keyCache.size < 4096 && key.length <= 64) keyCache.set(key, normalized);
  }
  return normalized;
}

const keySet = (keys: readonly string[]) => new Set(keys.map(normalizeKey));

/**
 * A copy of JSON-like data with the value of every secret key (at any depth, of any type except
 * null and "", which hide nothing) replaced by REDACTED; strings, keys included, are also masked
 * for secrets written inside them (a JSON body quoted in a string, a form in a note).
 */
export function redactSecrets(value: unknown, secretKeys: readonly string[]): { value: unknown; found: number } {
  const secrets = keySet(secretKeys);
  let found = 0;
  const text = (s: string) => {
    const masked = maskSecretsIn(s, secrets);
    found += masked.found;
    return masked.text;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, item]) => {
          if (!secrets.has(normalizeKey(k)) || item === null || item === undefined || item === '') return [text(k), walk(item)];
          found++;
          return [text(k), REDACTED];
        }),
      );
    }
    return v;
  };
  return { value: walk(value), found };
}

/** `text` with every `key=value`, `"key": value`, `key: value` or `<key>value` secret form masked. */
export function maskSecretsInText(text: string, secretKeys: readonly string[]): { text: string; found: number } {
  return maskSecretsIn(text, keySet(secretKeys));
}

function maskSecretsIn(text: string, secrets: Set<string>): { text: string; found: number } {
  // Most strings name no secret at all: a cheap look first. Without escapes, ASCII text can only
  // hold a secret form if its folded letters spell a secret key.
  if (!/[=:>%\\&]/.test(text)) return { text, found: 0 };
  if (!/[\\%&\u0080-\uffff]/.test(text)) {
    const folded = text.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (![...secrets].some((key) => folded.includes(key))) return { text, found: 0 };
  }
  const spans = mergeReplacements(views(text).flatMap((view) => secretSpans(text, view, secrets)));
  return { text: applyReplacements(text, spans), found: spans.length };
}

/**
 * A body that could not be parsed, made fit to keep: every secret form masked, and every digit run
 * that could be a card number (13 or more digits, separators allowed, whatever its prefix or
 * checksum; 7 or more at the very end, where a size cap may have cut one) cut to its last four,
 * in the text as written and as read through its escapes (`\u0034`, `%34`, `&#52;`).
 */
export function maskUnparsedText(text: string, secretKeys: readonly string[]): { text: string; secrets: number; cards: number } {
  const secrets = keySet(secretKeys);
  const all = views(text);
  const secretFinds = all.flatMap((view) => secretSpans(text, view, secrets));
  const cardFinds = all.flatMap((view) =>
    findCardNumbers(view.text, 'any_run').map((s): Replacement => ({ ...toSource(view, s), text: maskedCard(s.last4), secret: false })),
  );
  const spans = mergeReplacements([...secretFinds, ...cardFinds]);
  return {
    text: applyReplacements(text, spans),
    secrets: spans.filter((s) => s.secret).length,
    cards: spans.filter((s) => !s.secret).length,
  };
}

// --- Reading through escapes ---------------------------------------------------------------

/** A decoded reading of a source text: unit i of `text` came from source[from[i], to[i]). */
interface View {
  text: string;
  from: number[];
  to: number[];
}

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', "'": "'", b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;
const HEX2 = /^[0-9a-fA-F]{2}$/;

/** One layer of JSON (`\u0054`, `\"`), percent (`%54`) and HTML numeric (`&#84;`, `&#x54;`) escapes read. */
function decodeOnce(v: View): View {
  const s = v.text;
  const out: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const emit = (chars: string, first: number, last: number) => {
    for (let k = 0; k < chars.length; k++) {
      out.push(chars[k]);
      from.push(v.from[first]);
      to.push(v.to[last]);
    }
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && s[i + 1] === 'u' && HEX4.test(s.slice(i + 2, i + 6))) {
      emit(String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16)), i, i + 5);
      i += 6;
    } else if (c === '\\' && i + 1 < s.length && Object.hasOwn(JSON_ESCAPES, s[i + 1])) {
      emit(JSON_ESCAPES[s[i + 1]], i, i + 1);
      i += 2;
    } else if (c === '%' && HEX2.test(s.slice(i + 1, i + 3))) {
      emit(String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16)), i, i + 2);
      i += 3;
    } else if (c === '&' && s[i + 1] === '#') {
      const m = /^&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));/.exec(s.slice(i, i + 12));
      const cp = m ? parseInt(m[1] ?? m[2], m[1] ? 16 : 10) : NaN;
      if (m && cp <= 0x10ffff) {
        emit(String.fromCodePoint(cp), i, i + m[0].length - 1);
        i += m[0].length;
      } else {
        emit(c, i, i);
        i++;
      }
    } else {
      emit(c, i, i);
      i++;
    }
  }
  return { text: out.join(''), from, to };
}

/** The text as written, and read through one and two layers of escapes (a JSON body quoted in JSON). */
function views(text: string): View[] {
  const identity: View = { text, from: Array.from({ length: text.length }, (_, i) => i), to: Array.from({ length: text.length }, (_, i) => i + 1) };
  if (!/[\\%&]/.test(text)) return [identity];
  const once = decodeOnce(identity);
  return once.text === text ? [identity] : [identity, once, decodeOnce(once)];
}

/** `text` read through two layers of escapes. */
export function decodeEscapes(text: string): string {
  if (!/[\\%&]/.test(text)) return text;
  const all = views(text);
  return all[all.length - 1].text;
}

// --- Finding secret forms ------------------------------------------------------------------

interface Replacement {
  start: number;
  end: number;
  text: string;
  secret: boolean;
}

const toSource = (view: View, s: { start: number; end: number }) => ({ start: view.from[s.start], end: view.to[s.end - 1] });

const KEY = /[\p{L}\p{N}_-]+/gu;
const GLUE_BEFORE = /[\s"'\])]/;
const STRUCTURAL_AFTER_QUOTE = /^\s*(?:[,;&}\]\r\n<]|$)/;
const UNQUOTED_END = /[,;&}\]<>"'\r\n]/;

function secretSpans(source: string, view: View, secrets: Set<string>): Replacement[] {
  const s = view.text;
  const found: Replacement[] = [];
  KEY.lastIndex = 0;
  for (let m = KEY.exec(s); m; m = KEY.exec(s)) {
    if (!secrets.has(normalizeKeyPlain(m[0]))) continue;
    let p = m.index + m[0].length;
    while (p < s.length && GLUE_BEFORE.test(s[p])) p++;
    if (s[p] !== ':' && s[p] !== '=' && s[p] !== '>') continue;
    p++;
    while (p < s.length && /\s/.test(s[p])) p++;
    const value = valueSpan(source, view, p);
    if (!value) continue;
    if (value.end > value.start && /\S/.test(source.slice(value.start, value.end))) {
      found.push({ start: value.start, end: value.end, text: REDACTED, secret: true });
    }
    // Keys inside a value are masked with it; skipping them keeps this linear.
    KEY.lastIndex = Math.max(KEY.lastIndex, value.viewEnd);
  }
  return found;
}

const normalizeKeyPlain = (key: string) => key.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** The first view position whose source starts at or after `pos`. */
function viewIndexAt(view: View, pos: number): number {
  let lo = 0;
  let hi = view.from.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (view.from[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type ValueSpan = { start: number; end: number; viewEnd: number };
const inView = (view: View, start: number, end: number): ValueSpan => ({ ...toSource(view, { start, end }), viewEnd: end });

/** The source span of the value starting at view position `p`: quoted, bracketed or bare. */
function valueSpan(source: string, view: View, p: number): ValueSpan | null {
  const s = view.text;
  if (p >= s.length) return null;
  const first = s[p];
  if (first === '"' || first === "'") {
    // A quote written as itself: the source is read with JSON's escaping rules, exactly.
    if (view.to[p] - view.from[p] === 1 && source[view.from[p]] === first) {
      const start = view.to[p];
      let x = start;
      while (x < source.length && source[x] !== first) x += source[x] === '\\' ? 2 : 1;
      const end = Math.min(x, source.length);
      return { start, end, viewEnd: viewIndexAt(view, end) };
    }
    // A quote that was itself escaped (`\"` in a quoted body): up to the closing one that a
    // delimiter follows, or the end (a value cut off by a size cap).
    let k = p + 1;
    while (k < s.length && !(s[k] === first && STRUCTURAL_AFTER_QUOTE.test(s.slice(k + 1, k + 8)))) k++;
    return k > p + 1 ? inView(view, p + 1, k) : null;
  }
  if (first === '{' || first === '[') {
    let depth = 0;
    let k = p;
    for (; k < s.length; k++) {
      if (s[k] === '{' || s[k] === '[') depth++;
      else if ((s[k] === '}' || s[k] === ']') && --depth === 0) break;
    }
    return inView(view, p, Math.min(k + 1, s.length));
  }
  let k = p;
  while (k < s.length && !UNQUOTED_END.test(s[k])) k++;
  return k > p ? inView(view, p, k) : null;
}

/** Sorted and merged: where a secret and a card number overlap, the secret's marker wins. */
function mergeReplacements(spans: Replacement[]): Replacement[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Replacement[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      if (s.secret && !last.secret) Object.assign(last, { text: REDACTED, secret: true });
      if (s.end > last.end) Object.assign(last, { end: s.end, ...(last.secret ? {} : { text: s.text }) });
    } else {
      out.push({ ...s });
    }
  }
  return out;
}

function applyReplacements(text: string, spans: readonly Replacement[]): string {
  let out = '';
  let copiedTo = 0;
  for (const s of spans) {
    out += text.slice(copiedTo, s.start) + s.text;
    copiedTo = s.end;
  }
  return out + text.slice(copiedTo);
}

