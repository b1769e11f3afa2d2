import { scrubbedText } from '@/lib/text';

export type CappedBody = { ok: true; bytes: Uint8Array } | { ok: false; head: Uint8Array; declared: number | null };

/**
 * Reads at most `cap` bytes. A declared Content-Length over the cap is refused without reading;
 * a chunked body is cut off as soon as it passes the cap. `head` keeps what was read, for the record.
 */
export async function readBodyCapped(req: Request, cap: number): Promise<CappedBody> {
  const declaredHeader = req.headers.get('content-length');
  const declared = declaredHeader !== null && /^\d+$/.test(declaredHeader) ? Number(declaredHeader) : null;
  if (declared !== null && declared > cap) {
    await req.body?.cancel().catch(() => {});
    return { ok: false, head: new Uint8Array(), declared };
  }
  if (!req.body) return { ok: true, bytes: new Uint8Array() };
  if (declared !== null) {
    // Declared and within the cap: one native read. The length is checked again, since a
    // client can declare less than it sends.
    const bytes = new Uint8Array(await req.arrayBuffer());
    return bytes.byteLength <= cap ? { ok: true, bytes } : { ok: false, head: bytes.subarray(0, cap), declared };
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return { ok: false, head: concat(chunks, cap), declared };
    }
  }
  return { ok: true, bytes: concat(chunks, size) };
}

function concat(chunks: Uint8Array[], max: number): Uint8Array {
  const out = new Uint8Array(Math.min(max, chunks.reduce((n, c) => n + c.byteLength, 0)));
  let offset = 0;
  for (const c of chunks) {
    if (offset >= out.length) break;
    out.set(c.subarray(0, out.length - offset), offset);
    offset += c.byteLength;
  }
  return out;
}

/**
 * The caller's address: the right-most X-Forwarded-For entry. Next's server sets the header to
 * the socket address when it is absent, and a proxy in front appends the address it saw; a
 * client talking to Next directly can claim any address, so production sits behind a proxy.
 * What a client claims is kept as said, for the record, but scrubbed like any text PayOps stores.
 */
export function clientIp(req: Request): string | null {
  const forwarded = req.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').map((p) => p.trim()).filter(Boolean).at(-1);
  return last ? scrubbedText(last).slice(0, 64) : null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}
