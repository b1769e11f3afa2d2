import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDatabaseKinds, type TestDb } from '@/db/testing';
import { handleOtpApi } from '@/lib/otp/api';
import type { OtpLimits } from '@/lib/otp/policy';
import type { Providers } from '@/lib/providers';
import { route } from '@/lib/route';
import type { Sandbox } from '@/sandbox/server';
import { SANDBOX_TEST_OTP } from '@/sandbox/state';
import { startSandboxWithProviders } from '@/sandbox/testing';
import { cardArb, writeCard, writtenArb, type Card, type Written } from '@/test/fuzz/cards';
import { set, str, type Node } from '@/test/fuzz/json';
import { TableWatch, captureConsole, cardsIn, dumpEverything, excerpt, secretsIn } from '@/test/fuzz/leaks';
import { fuzzSettings } from '@/test/fuzz/settings';
import { QUIET, buildCase, caseArb, cardAsArb, streamOf, valueArb, type Case, type CardKind, type Op, type Profile, type Shape } from '@/test/fuzz/webhook-cases';

// Property-based fuzzing of the OTP proxy (issue 7, "Tests"): POST /api/v1/otp/resend and
// /validate through the same route wrapper as app/api/v1/otp/*/route.ts, a real database and the
// provider simulator over HTTP. Bodies mutated from a valid call, card numbers in the free-text
// `reason`, in the ids and in the headers PayOps keeps; each request must get no 5xx, leave exactly
// one attempt row when it reached the OTP ledger, and put none of its card numbers, its OTP or the
// API token in any row it wrote or anything it logged. Runs: FUZZ_OTP_RUNS (test/fuzz/settings.ts).
const settings = fuzzSettings('otp.fuzz', 150, 'FUZZ_OTP_RUNS');
const TOKEN = 'otp-fuzz-api-token-93c0d6a1f2';
const LIMITS: OtpLimits = { maxPerPayment: 3, cooldownSeconds: 0, maxPerAgentPerHour: 1_000_000, maxGlobalPerHour: 1_000_000, windowMinutes: 10, maxValidationsPerPayment: 5 };
const OTP_CAP = 8 * 1024;

const EXAMPLES = {
  juspay: '{"provider":"juspay","transactionId":"txn_1","challengeId":"ch_1","customerId":"cust_1122","reason":"customer asked"}',
  enkash: '{"provider":"enkash","transactionId":"EKOTP1","reason":"customer asked"}',
  enkash_wallet: '{"provider":"enkash_wallet","transactionId":"EKW1","cardAccountId":"CAC7975","enKashCardId":"EKC1","reason":"customer asked"}',
} as const;
type Provider = keyof typeof EXAMPLES;
const ID_PATHS = ['transactionId', 'challengeId', 'customerId', 'cardAccountId', 'enKashCardId'];

const SHAPE: Shape = {
  example: EXAMPLES.juspay,
  cap: OTP_CAP,
  // No secret of its own in the body; secret keys sent anyway must not be kept either.
  secretPath: '',
  secretKeys: ['paymentToken', 'card_reference'],
  secretHomes: [],
  idPaths: ID_PATHS,
  datePaths: [],
  moneyPaths: [],
  freeTextPaths: ['reason'],
};

interface OtpCase {
  kind: 'resend' | 'validate';
  provider: Provider;
  /** A validate's OTP: eight distinctive digits (looked for afterwards), the simulator's good one, or anything. */
  otp: string | Node;
  body: Case;
  idempotencyKey: null | 'fresh' | 'repeat' | { card: Card; written: Written };
}

// Cards in the reason: the whole reason or inside "customer asked", in every form.
const reasonCardArb = (kind: CardKind): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ op: fc.constant('card' as const), card: cardArb, as: cardAsArb(kind, false), where: fc.constant({ kind: 'field' as const, path: 'reason' }) }),
    fc.record({
      op: fc.constant('card' as const),
      card: cardArb,
      as: cardAsArb(kind === 'glued' ? 'glued' : kind, kind !== 'glued'),
      where: fc.record({ kind: fc.constant('embed' as const), at: fc.constant(0), pos: fc.nat({ max: 20 }), path: fc.constant('reason') }),
    }),
  );
// Cards as ids: written with the characters an id may hold (`[\w.:@-]`), and with others.
const idCardArb: fc.Arbitrary<Op> = fc.record({
  op: fc.constant('card' as const),
  card: cardArb,
  as: fc.oneof(cardAsArb('narrow', false, ['none', 'dash', 'dot', 'underscore', 'colon']), cardAsArb('other', false)).map((as) => (as.kind === 'string' ? { ...as, pre: '', post: '' } : as)),
  where: fc.record({ kind: fc.constant('field' as const), path: fc.constantFrom(...ID_PATHS) }),
});

const idempotencyArb = (headers: boolean) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(null, 'fresh' as const) },
    // The previous request's key: a replay, or (for another request) a 409.
    { weight: 1, arbitrary: fc.constant('repeat' as const) },
    ...(headers ? [{ weight: 3, arbitrary: fc.record({ card: cardArb, written: writtenArb(['none', 'dash', 'dot', 'slash', 'underscore', 'comma']) }) }] : []),
  );

function otpCaseArb(profile: Profile, cardOps: fc.Arbitrary<Op> | null): fc.Arbitrary<OtpCase> {
  return fc.record({
    kind: fc.constantFrom('resend' as const, 'validate' as const),
    provider: fc.constantFrom<Provider>('juspay', 'enkash', 'enkash_wallet'),
    otp: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 10_000_000, max: 99_999_999 }).map(String) },
      { weight: 1, arbitrary: fc.constant(SANDBOX_TEST_OTP) },
      { weight: profile.structure ? 1 : 0, arbitrary: valueArb },
    ),
    body: fc
      .tuple(caseArb(SHAPE, profile), cardOps ? fc.array(cardOps, { minLength: 1, maxLength: 2 }) : fc.constant([]))
      .map(([c, ops]) => ({ ...c, ops: [...c.ops, ...ops] })),
    idempotencyKey: idempotencyArb(profile.headers),
  });
}

const PROPERTIES: [string, number, Profile, fc.Arbitrary<Op> | null][] = [
  [
    'mutated bodies (types, nesting, duplicate and escaped keys, NUL, lone surrogates, invalid UTF-8, exponent numbers, sizes near and over the 8 KiB cap, long ids, bad tokens)',
    0.25,
    { ...QUIET, structure: true, framing: true, sizes: true, bytes: true, auth: true },
    null,
  ],
  ["card numbers in the reason, inside the scrubber's old rule", 0.1, QUIET, fc.oneof(reasonCardArb('narrow'))],
  ['card numbers in the reason, any other separator, glued to letters, as a JSON number', 0.15, QUIET, fc.oneof(reasonCardArb('other'), reasonCardArb('glued'), reasonCardArb('number'))],
  ['card numbers given as ids', 0.1, QUIET, idCardArb],
  ['card numbers in the User-Agent, X-Forwarded-For and Idempotency-Key headers', 0.1, { ...QUIET, headers: true }, null],
  [
    'everything at once',
    0.3,
    { ...QUIET, structure: true, framing: true, sizes: true, bytes: true, auth: true, headers: true, secrets: 'spelled' },
    fc.oneof(reasonCardArb('narrow'), reasonCardArb('other'), reasonCardArb('glued'), reasonCardArb('number'), idCardArb),
  ],
];

describe.each(await testDatabaseKinds())('OTP proxy, fuzzed, on $kind', ({ kind, create }) => {
  let t: TestDb;
  let sandbox: Sandbox;
  let providers: Providers;
  let log: ReturnType<typeof captureConsole>;
  const db = () => t.handle.db;
  const watch = new TableWatch(db);
  const sent = { cards: new Set<string>(), secrets: new Set<string>([TOKEN]) };
  const statuses = new Map<number, number>();
  let requests = 0;
  let stale = true;
  let n = 0;
  let last = { id: '', key: '' };
  const started = Date.now();

  beforeAll(async () => {
    t = await create();
    await watch.init();
    // A generous deadline: a simulator slowed by a busy machine must not read as a 504 from PayOps.
    const simulator = await startSandboxWithProviders({ timeoutMs: 10_000 });
    sandbox = simulator.sandbox;
    providers = simulator.providers();
    log = captureConsole();
  });
  beforeEach(() => {
    stale = true;
  });
  afterAll(async () => {
    log?.restore();
    const counts = [...statuses].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`).join(' ');
    process.stderr.write(`[fuzz] otp on ${kind}: ${requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (${counts}); ${sent.cards.size} card numbers and ${sent.secrets.size} secrets sent\n`);
    await sandbox?.close();
    await t?.cleanup();
  });

  async function deliver(c: OtpCase): Promise<void> {
    const shape = { ...SHAPE, example: EXAMPLES[c.provider] };
    const built = buildCase(
      shape,
      c.body,
      (tree, repeat) => {
        if (!repeat || !last.id) last.id = `FZ${process.pid}x${++n}`;
        set(tree, 'transactionId', str(c.provider === 'juspay' ? `txn_${last.id}` : c.provider === 'enkash' ? `EKOTP${last.id}` : `EKW${last.id}`));
        if (c.provider === 'juspay') set(tree, 'challengeId', str(`ch_${last.id}`));
        if (c.provider === 'enkash_wallet') set(tree, 'enKashCardId', str(`EKC${last.id}`));
        if (c.kind === 'validate') set(tree, 'otp', typeof c.otp === 'string' ? str(c.otp) : c.otp);
      },
      false,
    );
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.23', ...built.headers };
    if (built.auth !== 'missing') headers.authorization = `Bearer ${built.auth === 'ok' ? TOKEN : 'not-the-token'}`;
    const cards = [...built.cards];
    if (c.idempotencyKey === 'fresh') last.key = headers['idempotency-key'] = `fz-${process.pid}-${++n}`;
    else if (c.idempotencyKey === 'repeat' && last.key) headers['idempotency-key'] = last.key;
    else if (c.idempotencyKey && typeof c.idempotencyKey === 'object') {
      headers['idempotency-key'] = writeCard(c.idempotencyKey.card.digits, c.idempotencyKey.written);
      cards.push(c.idempotencyKey.card.digits);
    }
    // The OTP counts as sent when its eight digits are in the body (a mutation may have cut them).
    const text = new TextDecoder().decode(built.body);
    const secrets = [...built.secrets, TOKEN, ...(typeof c.otp === 'string' && c.otp.length === 8 && text.includes(c.otp) ? [c.otp] : [])];
    cards.forEach((d) => sent.cards.add(d));
    secrets.forEach((s) => sent.secrets.add(s));

    if (stale) await watch.mark();
    stale = false;
    const from = log.lines.length;
    const streamed = headers['content-length'] === undefined;
    const req = new Request(`http://payops.test/api/v1/otp/${c.kind}`, {
      method: 'POST',
      headers,
      body: streamed ? streamOf(built.body, c.body.chunk) : built.body,
      // @ts-expect-error Node's Request needs this for a streamed body
      duplex: 'half',
    });
    // The same wrapper as app/api/v1/otp/{resend,validate}/route.ts, with this test's database and simulator.
    const handler = route((r: Request) => handleOtpApi(r, c.kind, { db: db(), providers, apiToken: TOKEN, limits: LIMITS }));
    const res = await handler(req);
    const answer = await res.text();
    requests++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);

    const problems: string[] = [];
    if (res.status >= 500) problems.push(`answered ${res.status}: ${answer.slice(0, 300)}`);
    let outcome: { outcome?: string; replayed?: boolean } = {};
    try {
      outcome = JSON.parse(answer);
    } catch {
      problems.push(`answered something that is not JSON: ${answer.slice(0, 200)}`);
    }
    const changes = await watch.collect();
    // An answer with an outcome went through the OTP ledger: one attempt, recorded once.
    if (outcome.outcome && outcome.outcome !== 'in_progress' && !outcome.replayed && changes.added('otp_attempts') !== 1) {
      problems.push(`outcome ${outcome.outcome} with ${changes.added('otp_attempts')} new otp_attempts rows (expected exactly 1)`);
    }
    const logged = log.lines.slice(from).join('\n');
    for (const d of cardsIn(changes.text, cards)) problems.push(`card number ${d} stored: ${excerpt(changes.text, d, true)}`);
    for (const d of cardsIn(logged, cards)) problems.push(`card number ${d} logged: ${excerpt(logged, d, true)}`);
    for (const s of secretsIn(changes.text, secrets)) problems.push(`secret or OTP ${s} stored: ${excerpt(changes.text, s, false)}`);
    for (const s of secretsIn(logged, secrets)) problems.push(`secret or OTP ${s} logged: ${excerpt(logged, s, false)}`);
    if (problems.length) throw new Error(`otp ${c.kind} on ${kind}: ${problems.join('\n')}\n(status ${res.status}, keys sent: ${keysOf(text)})`);
  }

  for (const [name, weight, profile, cardOps] of PROPERTIES) {
    const runs = settings.share(weight);
    it(
      `no 5xx, one attempt row, nothing stored or logged: ${name}`,
      async () => {
        await settings.assert(
          `otp on ${kind}`,
          fc.asyncProperty(settings.limit(otpCaseArb(profile, cardOps)), deliver),
          runs,
        );
      },
      settings.timeout(runs, 100),
    );
  }

  it('after the run, no card number, OTP or token sent is in any table (all columns, as text) or in the log', async () => {
    expect(requests).toBeGreaterThan(0);
    const dump = await dumpEverything(db());
    const logged = log.lines.join('\n');
    const problems: string[] = [];
    for (const [what, text] of [['the database', dump], ['the log', logged]] as const) {
      const cards = cardsIn(text, sent.cards);
      if (cards.length) problems.push(`${cards.length} of ${sent.cards.size} card numbers sent are in ${what}, e.g. ${excerpt(text, cards[0], true)}`);
      const secrets = secretsIn(text, sent.secrets);
      if (secrets.length) problems.push(`${secrets.length} of ${sent.secrets.size} OTPs and secrets sent are in ${what}, e.g. ${excerpt(text, secrets[0], false)}`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});

/** The top-level keys of a body, for a failure message (never the values: one may be the OTP). */
function keysOf(text: string): string {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).join(',') : typeof value;
  } catch {
    return '(not JSON)';
  }
}
