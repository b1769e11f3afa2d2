// npm run notify -- [file] [--url URL] [--key KEY] — send one Enkash payment notification to a running PayOps.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DOCUMENTED_EXAMPLE } from '@/test/enkash';

const USAGE = `Usage: npm run notify -- [file] [--url URL] [--key KEY]

Sends an Enkash Payment Notify Request to PayOps, as Enkash would: a POST with
content-type application/json and the webhook secret as the \`key\` query parameter.

  file        a JSON file to send, byte for byte (default: the documented example)
  --url URL   the notify URL (default: http://localhost:\${PORT:-3000}/api/webhooks/enkash/notify)
  --key KEY   the webhook secret (default: $ENKASH_WEBHOOK_SECRET; none: sent without a key)
  --help      this text

When PayOps' providers are the simulator (the embedded demo), the simulator knows the documented
example, so PayOps' status check confirms it. A payment of your own file is unknown to the
simulator, so the check flags it (provider_mismatch) unless you register it first:
npm run sandbox -- payment register --provider enkash --id <transactionId> --status <status>

Exit code 0 only when the server answers 2xx.`;

const TIMEOUT_MS = 10_000;
const BODY_SHOWN = 2000;

/** A mistake in how the script was called: a short message, no stack trace. */
class UsageError extends Error {
  constructor(message: string, readonly showUsage = true) {
    super(message);
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { url: { type: 'string' }, key: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length > 1) throw new UsageError(`expected at most one file, got ${args.positionals.length}`);

  const file = args.positionals[0];
  const body = file ? await readBody(file) : new TextEncoder().encode(DOCUMENTED_EXAMPLE);
  const what = file ? file : 'the documented example';

  const rawUrl = args.values.url ?? `http://localhost:${process.env.PORT || '3000'}/api/webhooks/enkash/notify`;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new UsageError(`not a URL: ${rawUrl}`);
  }
  const key = args.values.key || process.env.ENKASH_WEBHOOK_SECRET;
  if (key) url.searchParams.set('key', key);
  else if (url.searchParams.has('key')) console.log('key: taken from --url');
  else console.log('key: none (no --key, ENKASH_WEBHOOK_SECRET unset) — sending without one');

  console.log(`POST ${shown(url)} — ${what}, ${body.byteLength} bytes`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      // A redirect is reported as it is, not followed: Enkash does not follow one either.
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    console.log(`server unreachable at ${url.origin} (${reason(err)}) — is PayOps running?`);
    return 1;
  }
  const text = await res.text();
  console.log(`HTTP ${res.status} ${res.statusText}`);
  console.log(text === '' ? '(empty body)' : text.length > BODY_SHOWN ? `${text.slice(0, BODY_SHOWN)}… (${text.length - BODY_SHOWN} more characters)` : text);
  console.log(verdict(res.status, text));
  return res.ok ? 0 : 1;
}

async function readBody(file: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? (err as Error).message);
    throw new UsageError(`cannot read ${file}: ${why}`, false);
  }
}

function verdict(status: number, text: string): string {
  if (status >= 200 && status < 300) return `accepted (${status} ${oneLine(text)})`;
  let detail = oneLine(text);
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (error?.code) detail = `${error.code}: ${error.message ?? ''}`;
  } catch {
    // not the usual error shape: show the raw text
  }
  return `${status >= 500 ? 'server error' : 'refused'}: ${status} ${detail}`;
}

const oneLine = (s: string) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

/** The URL as printed: the secret never reaches the terminal or a log. */
function shown(url: URL): string {
  if (!url.searchParams.has('key')) return url.href;
  const copy = new URL(url);
  copy.searchParams.set('key', 'HIDDEN');
  return copy.href;
}

function reason(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(err.showUsage ? `notify: ${err.message}\n\n${USAGE}` : `notify: ${err.message}`);
      process.exit(2);
    }
    console.error(`notify: ${(err as Error).message}`);
    process.exit(1);
  },
);
