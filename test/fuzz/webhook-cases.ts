// Fuzzed webhook deliveries, built from a provider's documented example. A case is a recipe
// (the ops to apply, the framing, the headers), not the body itself: fast-check prints and
// shrinks the recipe, and `buildCase` turns it into the request, so a counterexample reads as
// "this card, written this way, put there" instead of 64 KiB of text.
import fc from 'fast-check';
import { ALL_SEPARATORS, NARROW_SEPARATORS, NUMBER_FORMS, OTHER_SEPARATORS, cardArb, cardAsJsonNumber, writeCard, writtenArb, type Card, type NumberForm, type Separator, type Written } from './cards';
import { escapeKeyChar, find, key, keyName, lit, objects, parseTree, set, slots, str, write, type Node } from './json';
import { cardsIn, secretsIn } from './leaks';

/** The webhooks' body cap (lib/webhooks/handle.ts), restated so a change to it is a decision. */
export const CAP = 64 * 1024;

/** What the fuzz needs to know of a provider's body. Paths are dotted key names. */
export interface Shape {
  example: string;
  /** The body cap, when not the webhooks' 64 KiB. */
  cap?: number;
  /** The example's own secret: its value is replaced by a fresh one in every case ('' for none). */
  secretPath: string;
  /** Keys whose values are secrets; the issue wants them found whatever their case or escapes. */
  secretKeys: string[];
  /** Objects where a secret naturally sits, besides the root. */
  secretHomes: string[];
  idPaths: string[];
  datePaths: string[];
  moneyPaths: string[];
  /** Free text: where a card glued to letters must still be cut (ids keep that exemption). */
  freeTextPaths: string[];
}

export type CardKind = 'narrow' | 'other' | 'number' | 'glued';

export interface Profile {
  /** Type swaps, dropped and added fields, deep nesting, duplicate and escaped keys, hostile text, odd numbers, long ids. */
  structure: boolean;
  /** Truncated, trailing comma, wrapped in an array, concatenated, BOM-prefixed, form-encoded. */
  framing: boolean;
  /** Padded to near and over the 64 KiB cap. */
  sizes: boolean;
  /** Invalid UTF-8 bytes spliced in. */
  bytes: boolean;
  /** Wrong or missing credentials (the body is then refused, and still stored). */
  auth: boolean;
  dates: boolean;
  cards: CardKind[];
  /** Cards in the User-Agent and X-Forwarded-For headers. */
  headers: boolean;
  /** `plain`: the secret as documented. `spelled`: escaped and upper-case keys, any value type, more places. */
  secrets: 'plain' | 'spelled';
}

export const QUIET: Profile = { structure: false, framing: false, sizes: false, bytes: false, auth: false, dates: false, cards: [], headers: false, secrets: 'plain' };
export const EVERYTHING: Profile = { structure: true, framing: true, sizes: true, bytes: true, auth: true, dates: true, cards: ['narrow', 'other', 'number', 'glued'], headers: true, secrets: 'spelled' };

/** The webhook properties, shared by both providers: name, share of the runs, profile. */
export const WEBHOOK_PROPERTIES: [string, number, Profile][] = [
  [
    'mutated bodies (types, nesting, duplicate and escaped keys, NUL, lone surrogates, invalid UTF-8, exponent numbers, sizes near and over the cap, long ids, bad credentials)',
    0.15,
    { ...QUIET, structure: true, framing: true, sizes: true, bytes: true, auth: true },
  ],
  ['dates at and beyond the ranges', 0.1, { ...QUIET, dates: true }],
  ["card numbers inside the scrubber's old rule (plain, one space, one dash), in refused bodies too", 0.1, { ...QUIET, structure: true, framing: true, sizes: true, auth: true, cards: ['narrow'] }],
  ['card numbers with any other separator (NBSP, double space, tab, newline, dot, slash, underscore, comma, " - ")', 0.1, { ...QUIET, structure: true, framing: true, sizes: true, auth: true, cards: ['other'] }],
  ['card numbers written as JSON numbers (4111111111111111e0, 4.111111111111111e15, …)', 0.05, { ...QUIET, framing: true, auth: true, cards: ['number'] }],
  ['card numbers glued to letters in free-text fields', 0.05, { ...QUIET, cards: ['glued'] }],
  ['card numbers in the User-Agent and X-Forwarded-For headers', 0.05, { ...QUIET, auth: true, headers: true }],
  ['secrets by meaning: escaped and upper-case keys, numeric and object values, form-encoded and refused bodies', 0.1, { ...QUIET, structure: true, framing: true, sizes: true, auth: true, secrets: 'spelled' }],
  ['everything at once', 0.3, EVERYTHING],
];

// ---------------------------------------------------------------------------------------------
// The recipe.

export type Op =
  | { op: 'swap'; at: number; value: Node }
  | { op: 'drop'; at: number }
  | { op: 'nest'; at: number; depth: number; kind: 'arr' | 'obj' }
  | { op: 'dup'; at: number; value: Node; after: boolean }
  | { op: 'escapeKey'; at: number; pos: number; upper: boolean }
  | { op: 'add'; at: number; name: string; value: Node }
  | { op: 'set'; path: string; value: Node }
  | { op: 'card'; card: Card; as: CardAs; where: Where }
  | { op: 'secret'; spelled: string; kind: 'string' | 'number' | 'object' | 'array'; token: string; numeric: string; home: string | number; first: boolean };

export type CardAs = { kind: 'string'; written: Written; pre: string; post: string } | { kind: 'number'; form: NumberForm };
export type Where =
  | { kind: 'leaf'; at: number }
  /** Into the text of a string value: a random one, or the one at `path`. */
  | { kind: 'embed'; at: number; pos: number; path?: string }
  | { kind: 'newKey'; at: number; name: string }
  | { kind: 'key'; at: number }
  | { kind: 'field'; path: string };

export type Frame = { frame: 'json' | 'trailingComma' | 'array' | 'concat' | 'bom' | 'form' } | { frame: 'truncate'; at: number };

export interface HeaderCard {
  card: Card;
  written: Written;
  pre: string;
  post: string;
}

export interface Case {
  /** The fresh value of the example's own secret. */
  token: string;
  ops: Op[];
  frame: Frame;
  pad: { target: number; first: boolean; fill: string } | null;
  bytes: { at: number; seq: number[] }[];
  auth: 'ok' | 'wrong' | 'missing';
  length: 'exact' | 'none' | 'less';
  chunk: number;
  userAgent: HeaderCard | null;
  forwardedFor: (HeaderCard & { position: 'last' | 'only' | 'first' }) | null;
  /** Reuse the previous case's ids: a duplicate, a conflict or a change of amount. */
  repeat: boolean;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** A secret value: random enough that finding it anywhere means it leaked. */
export const tokenArb = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 24, maxLength: 40 });
/** A numeric secret value, as a JSON number or a string of digits. */
export const numericTokenArb = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 19, maxLength: 23 }))
  .map(([a, b]) => `${a}${b}`);

const hostileChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'abcXYZ 09-_.:/') },
  { weight: 3, arbitrary: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\\', '"', '\n', '\t', '\r', '\u2028', '\u202e', '\ufeff', '\ufffd', '<', '>', '&', "'", '%', '{', '}') },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('😀', 'é', 'ह', '\u0301', '𝟘', '٣') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
export const hostileStringArb = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', 'é', '\u0000', '\ud800', ' '), fc.integer({ min: 100, max: 4000 })).map(([c, n]) => c.repeat(n)) },
);

const EXOTIC_NUMBERS = [
  '0', '-0', '0.0000', '1e400', '-1e400', '1e-400', '5e2', '5.00E+2', '500e0', '0.5e3', '5E-0', '123456789012345678901234567890',
  '99999999999999999999.9999', '1.00000000000000000001', '-500.00', '1E+308', '2.5e-7', '1e18', '0e0', '100000000000000000000000e-20',
];
// Not JSON: the body is then refused, and must still be recorded.
const INVALID_NUMBERS = ['00', '.5', '1.', '+1', 'NaN', 'Infinity', '0x10', '1e', '--1'];
export const numberLiteralArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...EXOTIC_NUMBERS) },
  { weight: 2, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_NUMBERS) },
);

export const valueArb: fc.Arbitrary<Node> = fc.letrec<{ value: Node }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constantFrom(lit('null'), lit('true'), lit('false')),
    numberLiteralArb.map(lit),
    hostileStringArb.map(str),
    fc.array(tie('value'), { maxLength: 3 }).map((items): Node => ({ t: 'arr', items })),
    fc
      .array(fc.tuple(fc.string({ maxLength: 8 }), tie('value')), { maxLength: 3 })
      .map((entries): Node => ({ t: 'obj', entries: entries.map(([k, v]) => ({ key: key(k), value: v })) })),
  ),
})).value;

const at = fc.nat({ max: 10_000 });
const depthArb = fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 60, max: 70 }), fc.integer({ min: 100, max: 3000 }));
const extraKeyArb = fc.oneof(fc.constantFrom('note', 'remarks', 'extra', 'metadata', 'udf9', '__proto__', 'constructor', ''), hostileStringArb);

const longIdArb = fc
  .tuple(fc.constantFrom(127, 128, 129, 130, 200, 256, 1000, 4096), fc.constantFrom('a', '9', 'é', '😀', ' ', '-'), fc.boolean())
  .map(([n, c, padded]) => {
    const id = `ID${c.repeat(n)}`.slice(0, n);
    return str(padded ? `  ${id}  ` : id);
  });

export const structureOpArb = (shape: Shape): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ op: fc.constant('swap' as const), at, value: valueArb }),
    fc.record({ op: fc.constant('drop' as const), at }),
    fc.record({ op: fc.constant('nest' as const), at, depth: depthArb, kind: fc.constantFrom('arr' as const, 'obj' as const) }),
    fc.record({ op: fc.constant('dup' as const), at, value: valueArb, after: fc.boolean() }),
    fc.record({ op: fc.constant('escapeKey' as const), at, pos: fc.nat({ max: 40 }), upper: fc.boolean() }),
    fc.record({ op: fc.constant('add' as const), at, name: extraKeyArb, value: valueArb }),
    fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...shape.idPaths), value: longIdArb }),
    ...(shape.moneyPaths.length
      ? [
          fc.record({
            op: fc.constant('set' as const),
            path: fc.constantFrom(...shape.moneyPaths),
            value: fc.oneof(numberLiteralArb.map(lit), fc.constantFrom(...EXOTIC_NUMBERS).map(str)),
          }),
        ]
      : []),
  );

// Dates: the edges of what Postgres' timestamptz and PayOps' range rule (years 1000–9998 after
// the zone shift) accept, with zones that move a date across them.
const YEARS = ['0000', '0001', '0099', '0100', '0999', '1000', '1001', '1969', '1970', '2025', '9997', '9998', '9999'];
const VALID_DAYS = ['01-01', '02-28', '12-31', '06-15', '01-02', '12-30'];
const INVALID_DAYS = ['00-01', '13-01', '02-30', '04-31', '12-32', '02-29'];
const VALID_TIMES = ['00:00:00', '05:29:59', '05:30:00', '18:29:59', '18:30:00', '23:59:59', '12:00:00'];
const INVALID_TIMES = ['24:00:00', '23:60:00', '23:59:60'];
const ZONES = ['', '', '', 'Z', '+05:30', '-05:30', '-23:59', '+23:59', '+14:00', '-12:00', '+00:00', '-00:00', '+24:00'];
const FRACTIONS = ['', '', '', '.0', '.999', '.999999999', '.5'];
/** The issue's own examples, and the edges of the 1000–9998 rule. */
const EDGE_DATES = [
  '0000-01-01 00:00:00', '0001-01-01 00:00:00', '0001-01-01 05:29:59', '0001-01-01 05:30:00', '9999-12-31 23:59:59-23:59',
  '9999-12-31 23:59:59', '1000-01-01 00:00:00', '1000-01-01 05:30:00', '0999-12-31 23:59:59Z', '9998-12-31 23:59:59', '9998-12-31 23:59:59-23:59',
];
const yearArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...YEARS) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')) });
const dayArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...VALID_DAYS) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([m, d]) => `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_DAYS) },
);
const timeArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...VALID_TIMES) }, { weight: 1, arbitrary: fc.constantFrom(...INVALID_TIMES) });
// Dates: the edges of what Postgres' timestamptz and PayOps' range rule (years 1000–9998 after
// the zone shift) accept, with zones that move a date across them; mostly well formed, so they
// reach the database.
export const dateArb: fc.Arbitrary<Node> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_DATES).map(str) },
  {
    weight: 8,
    arbitrary: fc
      .record({ year: yearArb, day: dayArb, time: timeArb, sep: fc.constantFrom(' ', 'T'), fraction: fc.constantFrom(...FRACTIONS), zone: fc.constantFrom(...ZONES) })
      .map((d) => str(`${d.year}-${d.day}${d.sep}${d.time}${d.fraction}${d.zone}`)),
  },
  { weight: 1, arbitrary: fc.constantFrom('10000-01-01 00:00:00', '-0001-01-01 00:00:00', '2025-02-07', '07/02/2025 14:00:05', '', ' ').map(str) },
  { weight: 1, arbitrary: fc.constantFrom(lit('1738916997652'), lit('-62167219200000'), lit('null'), lit('{}')) },
);

const dateOpArb = (shape: Shape): fc.Arbitrary<Op> => fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...shape.datePaths), value: dateArb });

// Words around a card keep a separator on their outer side too: a card embedded next to another
// must not end up glued to its neighbour's words (glued is its own kind).
const NOT_ALNUM_PRE = [' ', ' card ', ' PAN: ', '(', ' #', '=', '/', '"', '['];
const NOT_ALNUM_POST = [' ', ' end ', ')', '.', ';', ',', ']'];
const GLUE = ['ref', 'PAN', 'x', 'No', 'card', 'é', 'ह'];

export function cardAsArb(kind: CardKind, embedded: boolean, separators?: readonly Separator[]): fc.Arbitrary<CardAs> {
  if (kind === 'number') return fc.record({ kind: fc.constant('number' as const), form: fc.constantFrom(...NUMBER_FORMS) });
  if (kind === 'glued') {
    return fc
      .record({ written: writtenArb(ALL_SEPARATORS), pre: fc.constantFrom(...GLUE, ''), post: fc.constantFrom(...GLUE, '') })
      .filter((c) => c.pre !== '' || c.post !== '')
      .map((c) => ({ kind: 'string' as const, ...c }));
  }
  return fc.record({
    kind: fc.constant('string' as const),
    written: writtenArb(separators ?? (kind === 'narrow' ? NARROW_SEPARATORS : OTHER_SEPARATORS)),
    // Embedded in other text, a card always has a separator either side (glued is its own kind).
    pre: embedded ? fc.constantFrom(...NOT_ALNUM_PRE) : fc.constantFrom('', ...NOT_ALNUM_PRE),
    post: embedded ? fc.constantFrom(...NOT_ALNUM_POST) : fc.constantFrom('', ...NOT_ALNUM_POST),
  });
}

export const cardOpArb = (shape: Shape, kind: CardKind): fc.Arbitrary<Op> => {
  const card = (as: fc.Arbitrary<CardAs>, where: fc.Arbitrary<Where>) => fc.record({ op: fc.constant('card' as const), card: cardArb, as, where });
  if (kind === 'glued') return card(cardAsArb(kind, false), fc.record({ kind: fc.constant('field' as const), path: fc.constantFrom(...shape.freeTextPaths) }));
  const anyPath = [...shape.freeTextPaths, ...shape.idPaths, ...shape.moneyPaths, ...shape.datePaths];
  const places: fc.Arbitrary<Where>[] = [
    fc.record({ kind: fc.constant('leaf' as const), at }),
    fc.record({ kind: fc.constant('newKey' as const), at, name: fc.constantFrom('note', 'pan', 'cardNumber', 'remarks', 'x') }),
    fc.record({ kind: fc.constant('field' as const), path: fc.constantFrom(...anyPath) }),
  ];
  if (kind === 'number') return card(cardAsArb(kind, false), fc.oneof(...places));
  return fc.oneof(
    { weight: 3, arbitrary: card(cardAsArb(kind, false), fc.oneof(...places, fc.record({ kind: fc.constant('key' as const), at }))) },
    { weight: 2, arbitrary: card(cardAsArb(kind, true), fc.record({ kind: fc.constant('embed' as const), at, pos: fc.nat({ max: 100 }) })) },
  );
};

/** Key spellings that all mean the secret: escaped (any one character, either hex case) and other letter cases. */
export function spellings(name: string): fc.Arbitrary<string> {
  const capitalised = name[0].toUpperCase() + name.slice(1);
  return fc.oneof(
    fc.constantFrom(key(name), key(name.toUpperCase()), key(name.toLowerCase()), key(capitalised)),
    fc.tuple(fc.nat({ max: name.length - 1 }), fc.boolean()).map(([pos, upper]) => escapeKeyChar(key(name), pos, upper)),
  );
}

export const secretOpArb = (shape: Shape): fc.Arbitrary<Op> =>
  fc.record({
    op: fc.constant('secret' as const),
    spelled: fc.constantFrom(...shape.secretKeys).chain(spellings),
    kind: fc.constantFrom('string' as const, 'number' as const, 'object' as const, 'array' as const),
    token: tokenArb,
    numeric: numericTokenArb,
    home: fc.oneof(fc.constantFrom('', ...shape.secretHomes), at),
    first: fc.boolean(),
  });

const headerSeparators = ALL_SEPARATORS.filter((s) => s !== 'newline');
const headerCardArb = (pre: string[], post: string[]) =>
  fc.record({ card: cardArb, written: writtenArb(headerSeparators), pre: fc.constantFrom(...pre), post: fc.constantFrom(...post) });

export function caseArb(shape: Shape, p: Profile): fc.Arbitrary<Case> {
  const structure = p.structure ? fc.array(structureOpArb(shape), { maxLength: 4 }) : fc.constant([]);
  const payload: fc.Arbitrary<Op>[] = [];
  if (p.dates) payload.push(dateOpArb(shape));
  for (const kind of p.cards) payload.push(cardOpArb(shape, kind));
  if (p.secrets === 'spelled') payload.push(secretOpArb(shape));
  const minPayload = p.dates || p.cards.length || p.secrets === 'spelled' ? 1 : 0;
  const payloadOps = payload.length ? fc.array(fc.oneof(...payload), { minLength: minPayload, maxLength: 3 }) : fc.constant([]);

  const frames: fc.Arbitrary<Frame>[] = [fc.constant({ frame: 'json' as const })];
  if (p.framing) {
    frames.push(
      fc.constantFrom<Frame>({ frame: 'trailingComma' }, { frame: 'array' }, { frame: 'concat' }, { frame: 'bom' }),
      fc.record({ frame: fc.constant('truncate' as const), at: fc.integer({ min: 1, max: 999_999 }) }),
    );
    // A form-encoded body (paymentToken=…) is the secrets' case: the old rule never matched it.
    if (p.secrets === 'spelled') frames.push(fc.constant({ frame: 'form' as const }));
  }
  const frame = frames.length === 1 ? frames[0] : fc.oneof({ weight: 3, arbitrary: frames[0] }, ...frames.slice(1).map((arbitrary) => ({ weight: 1, arbitrary })));

  const cap = shape.cap ?? CAP;
  // One case in six near or over the cap: big bodies are slow, and the edge is what matters.
  const pad = p.sizes
    ? fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.record({
            target: fc.oneof(fc.integer({ min: cap - 16, max: cap + 16 }), fc.integer({ min: cap - 600, max: cap + 600 }), fc.integer({ min: 256, max: cap + cap / 4 })),
            first: fc.boolean(),
            fill: fc.constantFrom('x', 'é', '😀', ' '),
          }),
        },
      )
    : fc.constant(null);
  const INVALID_UTF8 = [[0xff], [0xfe], [0xc0, 0x80], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82]];
  const bytes = p.bytes
    ? fc.oneof({ weight: 3, arbitrary: fc.constant<{ at: number; seq: number[] }[]>([]) }, { weight: 1, arbitrary: fc.array(fc.record({ at: fc.integer({ min: 0, max: 999_999 }), seq: fc.constantFrom(...INVALID_UTF8) }), { minLength: 1, maxLength: 2 }) })
    : fc.constant<{ at: number; seq: number[] }[]>([]);

  return fc.record({
    token: tokenArb,
    ops: fc.tuple(structure, payloadOps).map(([a, b]) => [...a, ...b]),
    frame,
    pad,
    bytes,
    auth: p.auth ? fc.constantFrom('ok' as const, 'ok' as const, 'ok' as const, 'ok' as const, 'wrong' as const, 'missing' as const) : fc.constant('ok' as const),
    length: fc.constantFrom('exact' as const, 'none' as const, 'less' as const),
    chunk: fc.integer({ min: 512, max: 70_000 }),
    userAgent: p.headers ? fc.option(headerCardArb(['', 'Mozilla/5.0 (', 'curl/8.5.0 ', 'Card '], ['', ')', ' end']), { freq: 2 }) : fc.constant(null),
    forwardedFor: p.headers
      ? fc.option(headerCardArb([''], ['']).chain((h) => fc.constantFrom('last' as const, 'only' as const, 'first' as const).map((position) => ({ ...h, position }))), { freq: 2 })
      : fc.constant(null),
    repeat: fc.integer({ min: 0, max: 5 }).map((n) => n === 5),
  });
}

// ---------------------------------------------------------------------------------------------
// Building the request.

/** The example with some values replaced (dotted paths), as JSON text. */
export function exampleWithNodes(example: string, values: Record<string, Node>): string {
  const tree = parseTree(example);
  for (const [path, value] of Object.entries(values)) set(tree, path, value);
  return write(tree);
}

export interface Built {
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
  auth: Case['auth'];
  /** Digits of every card number that was actually sent (some ops cut theirs away). */
  cards: string[];
  /** Every secret value that was actually sent. */
  secrets: string[];
}

const enc = new TextEncoder();

/**
 * The request a case describes. `freshIds` gives the tree new ids (or the previous case's,
 * for a repeat); `protectSecrets` keeps structural ops off the secret keys (their profile tests secrets as documented).
 */
export function buildCase(shape: Shape, c: Case, freshIds: (tree: Node, repeat: boolean) => void, protectSecrets: boolean): Built {
  const tree = parseTree(shape.example);
  if (shape.secretPath) set(tree, shape.secretPath, str(c.token));
  freshIds(tree, c.repeat);
  const isSecret = (rawKey: string) => shape.secretKeys.some((k) => k.toLowerCase() === keyName(rawKey).toLowerCase());
  const candidates = { cards: [] as string[], secrets: shape.secretPath ? [c.token] : [] };

  const pick = <T>(list: T[], n: number): T | undefined => (list.length ? list[n % list.length] : undefined);
  const editable = () => slots(tree, isSecret).filter((s) => !protectSecrets || !s.secret);
  for (const op of c.ops) {
    switch (op.op) {
      case 'swap': {
        const s = pick(editable(), op.at);
        if (s) s.parent.entries[s.index].value = op.value;
        break;
      }
      case 'drop': {
        const s = pick(editable(), op.at);
        if (s) s.parent.entries.splice(s.index, 1);
        break;
      }
      case 'nest': {
        const s = pick(editable(), op.at);
        if (!s) break;
        let v = s.parent.entries[s.index].value;
        for (let i = 0; i < op.depth; i++) v = op.kind === 'arr' ? { t: 'arr', items: [v] } : { t: 'obj', entries: [{ key: key('a'), value: v }] };
        s.parent.entries[s.index].value = v;
        break;
      }
      case 'dup': {
        const s = pick(editable(), op.at);
        if (s) s.parent.entries.splice(op.after ? s.index + 1 : s.index, 0, { key: s.parent.entries[s.index].key, value: op.value });
        break;
      }
      case 'escapeKey': {
        const s = pick(editable(), op.at);
        if (s) s.parent.entries[s.index].key = escapeKeyChar(s.parent.entries[s.index].key, op.pos, op.upper);
        break;
      }
      case 'add':
        pick(objects(tree), op.at)?.entries.push({ key: key(op.name), value: op.value });
        break;
      case 'set':
        set(tree, op.path, op.value);
        break;
      case 'card': {
        candidates.cards.push(op.card.digits);
        const text = op.as.kind === 'string' ? op.as.pre + writeCard(op.card.digits, op.as.written) + op.as.post : cardAsJsonNumber(op.card.digits, op.as.form);
        const node = op.as.kind === 'string' ? str(text) : lit(text);
        const w = op.where;
        if (w.kind === 'field') set(tree, w.path, node);
        else if (w.kind === 'newKey') pick(objects(tree), w.at)?.entries.push({ key: key(w.name), value: node });
        else if (w.kind === 'key') pick(objects(tree), w.at)?.entries.push({ key: key(text), value: str('x') });
        else if (w.kind === 'embed') {
          const strings = editable().filter((x) => x.parent.entries[x.index].value.t === 'str' && (!w.path || x.dotted === w.path));
          const s = pick(strings, w.at);
          if (s) {
            const v = (s.parent.entries[s.index].value as { v: string }).v;
            const p = w.pos % (v.length + 1);
            s.parent.entries[s.index].value = str(v.slice(0, p) + text + v.slice(p));
          } else objects(tree)[0]?.entries.push({ key: key('note'), value: node });
        } else {
          const s = pick(editable(), w.at);
          if (s) s.parent.entries[s.index].value = node;
        }
        break;
      }
      case 'secret': {
        candidates.secrets.push(op.token, op.numeric);
        const value: Node =
          op.kind === 'string'
            ? str(op.token)
            : op.kind === 'number'
              ? lit(op.numeric)
              : op.kind === 'object'
                ? { t: 'obj', entries: [{ key: key('value'), value: str(op.token) }] }
                : { t: 'arr', items: [str(op.token)] };
        const home = typeof op.home === 'number' ? pick(objects(tree), op.home) : op.home === '' ? tree : find(tree, op.home)?.value;
        const target = home?.t === 'obj' ? home : tree;
        if (target.t !== 'obj') break;
        if (op.first) target.entries.unshift({ key: op.spelled, value });
        else target.entries.push({ key: op.spelled, value });
        break;
      }
    }
  }

  if (c.pad && tree.t === 'obj') {
    const size = enc.encode(write(tree)).byteLength + 14;
    const perChar = enc.encode(c.pad.fill).byteLength;
    const n = Math.floor((c.pad.target - size) / perChar);
    if (n > 0) {
      const entry = { key: key('padding'), value: str(c.pad.fill.repeat(n)) };
      if (c.pad.first) tree.entries.unshift(entry);
      else tree.entries.push(entry);
    }
  }

  const text = frame(tree, c.frame);
  let body: Uint8Array<ArrayBuffer> = enc.encode(text);
  for (const splice of c.bytes) {
    // Never inside a digit run: a card split by a bad byte is no longer the card that was sent.
    let i = Math.floor((splice.at / 1_000_000) * body.length);
    while (i > 0 && (isDigit(body[i - 1]) || isDigit(body[i]))) i--;
    body = Uint8Array.from([...body.subarray(0, i), ...splice.seq, ...body.subarray(i)]);
  }

  const headers: Record<string, string> = {};
  if (c.userAgent) {
    candidates.cards.push(c.userAgent.card.digits);
    headers['user-agent'] = c.userAgent.pre + writeCard(c.userAgent.card.digits, c.userAgent.written) + c.userAgent.post;
  }
  if (c.forwardedFor) {
    candidates.cards.push(c.forwardedFor.card.digits);
    const card = writeCard(c.forwardedFor.card.digits, c.forwardedFor.written);
    headers['x-forwarded-for'] = c.forwardedFor.position === 'only' ? card : c.forwardedFor.position === 'last' ? `198.51.100.9, ${card}` : `${card}, 198.51.100.9`;
  }
  if (c.length === 'exact') headers['content-length'] = String(body.byteLength);
  if (c.length === 'less') headers['content-length'] = String(Math.max(0, body.byteLength - 10));

  // What was sent, read the way a person would: any card or secret in it counts as sent.
  const sent = `${new TextDecoder().decode(body)}\n${headers['user-agent'] ?? ''}\n${headers['x-forwarded-for'] ?? ''}`;
  return { body, headers, auth: c.auth, cards: cardsIn(sent, candidates.cards), secrets: secretsIn(sent, candidates.secrets) };
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

function frame(tree: Node, f: Frame): string {
  const text = write(tree);
  switch (f.frame) {
    case 'json':
      return text;
    case 'truncate':
      return text.slice(0, Math.max(1, Math.floor((text.length * f.at) / 1_000_000)));
    case 'trailingComma':
      return text.endsWith('}') ? `${text.slice(0, -1)},}` : `${text},`;
    case 'array':
      return `[${text}]`;
    case 'concat':
      return text + text;
    case 'bom':
      return `\ufeff${text}`;
    case 'form': {
      // Written as a sloppy client does: key=value&…, values as they are (no percent-encoding).
      if (tree.t !== 'obj') return text;
      const value = (n: Node) => (n.t === 'str' ? n.v : n.t === 'lit' ? n.raw : write(n));
      return tree.entries.map((e) => `${keyName(e.key)}=${value(e.value)}`).join('&');
    }
  }
}

/** A body as a stream of `chunk`-byte pieces, so the handler reads it without a declared length. */
export function streamOf(body: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
}
