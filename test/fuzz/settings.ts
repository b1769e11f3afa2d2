// How much to fuzz, and from which seed. A fixed seed by default, so `npm test` is repeatable and
// a failure reproduces; FUZZ_SEED and FUZZ_RUNS override them. FUZZ_RUNS is the number of fuzzed
// deliveries per webhook file and per database (PGlite always, Postgres when reachable):
//
//   npx vitest run --project integration lib/webhooks/*.fuzz.int.test.ts        # default: 300
//   FUZZ_RUNS=2500 npx vitest run --project integration lib/webhooks/*.fuzz.int.test.ts
//     # the 10,000 fuzzed deliveries: 2 webhooks × 2 databases × 2,500
//   FUZZ_RUNS=5000 …   # 10,000 on each database (or on PGlite alone when Postgres is not there)
//   FUZZ_SEED=12345 FUZZ_RUNS=2500 npx vitest run …                            # another seed
//   FUZZ_OTP_RUNS=2000 npx vitest run --project integration app/api/v1/otp/otp.fuzz.int.test.ts
//     # the OTP proxy has its own count (default 150): each request goes to the provider simulator
//
// A failing property prints its seed and its shrunk counterexample (FUZZ_SHRINKS caps the shrink
// steps, default 150); fast-check's message also gives the `path` to replay it exactly. The
// summary line `[fuzz] <webhook> on <database>: N requests …` on stderr counts every request made,
// shrinking included, with its answers by status.
import fc from 'fast-check';

export const DEFAULT_SEED = 20250207;

export interface FuzzSettings {
  seed: number;
  /** Fuzzed requests per test file and database, shared out between the file's properties. */
  runs: number;
  /** Runs of one property: its share of `runs`, at least `min`. */
  share(weight: number, min?: number): number;
  /**
   * The arbitrary with its shrinking capped (FUZZ_SHRINKS, default 150 shrunk values): every
   * shrink step is a real request, and an uncapped shrink of a large case can take minutes.
   */
  limit<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T>;
  /**
   * fc.assert, with `label` (webhook and database) leading the failure message: vitest prints
   * identical failures of several tests once, and the same seed gives the same shrunk case.
   */
  assert<T>(label: string, property: fc.IAsyncProperty<T>, numRuns: number): Promise<void>;
  /** A test timeout generous enough for `numRuns` requests, shrinking included. */
  timeout(numRuns: number, msPerRun?: number): number;
}

function readInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, not ${JSON.stringify(raw)}`);
  return n;
}

export function fuzzSettings(file: string, defaultRuns: number, runsVariable = 'FUZZ_RUNS'): FuzzSettings {
  const seed = readInt('FUZZ_SEED', DEFAULT_SEED);
  const runs = Math.max(1, readInt(runsVariable, defaultRuns));
  const shrinks = Math.max(0, readInt('FUZZ_SHRINKS', 150));
  // Not console: the tests capture the console to look for leaks in it.
  process.stderr.write(`[fuzz] ${file}: seed ${seed}, ${runs} runs per database (override with FUZZ_SEED, ${runsVariable})\n`);
  return {
    seed,
    runs,
    share: (weight, min = 10) => Math.max(min, Math.round(runs * weight)),
    limit: (arb) => fc.limitShrink(arb, shrinks),
    assert: async (label, property, numRuns) => {
      try {
        await fc.assert(property, { seed, numRuns });
      } catch (err) {
        if (err instanceof Error) err.message = `${label}: ${err.message}`;
        throw err;
      }
    },
    timeout: (numRuns, msPerRun = 40) => 120_000 + numRuns * msPerRun,
  };
}
