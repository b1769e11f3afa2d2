// Server log lines. An error can carry what a caller sent: a Postgres error's `detail` quotes the
// failing row, a provider's message its reply, a parser's message the body. Every line is written
// through the card-number scrubber, as every stored text is (../shared/DESIGN.md, "Card data").
import { scrubCardNumbers } from '@/lib/cards';

const MAX_LINE = 8 * 1024;

/** An error as one scrubbed text: name, message, the Postgres fields that say why, stack and causes. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5 && !seen.has(current); depth++) {
    seen.add(current);
    if (current instanceof Error) {
      const pg = current as Error & { code?: unknown; detail?: unknown; hint?: unknown; where?: unknown };
      const extra = (['code', 'detail', 'hint', 'where'] as const).filter((k) => typeof pg[k] === 'string').map((k) => `${k}: ${pg[k] as string}`);
      parts.push(depth === 0 ? '' : 'caused by:', current.stack ?? `${current.name}: ${current.message}`, ...extra);
      current = current.cause;
    } else {
      parts.push(depth === 0 ? '' : 'caused by:', typeof current === 'string' ? current : safeJson(current));
      current = undefined;
    }
  }
  return scrub(parts.filter(Boolean).join('\n'));
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const scrub = (text: string) => {
  const scrubbed = scrubCardNumbers(text).text;
  return scrubbed.length > MAX_LINE ? `${scrubbed.slice(0, MAX_LINE)}…` : scrubbed;
};

/** console.error, scrubbed: `context` says where, `err` (optional) what went wrong. */
export function logError(context: string, err?: unknown): void {
  console.error(err === undefined ? scrub(context) : `${scrub(context)} ${describeError(err)}`);
}

/** console.warn, scrubbed. */
export function logWarn(context: string): void {
  console.warn(scrub(context));
}
