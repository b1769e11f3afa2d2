// Test helpers: reading a Server-Sent Events response as a browser's EventSource would.

export interface SseMessage {
  /** The `id:` field, when the message had one. */
  id?: string;
  /** The `event:` field; absent for a plain message. */
  event?: string;
  data: string;
}

/** Parses one block of SSE lines (between blank lines). */
export function parseSseBlock(block: string): { message?: SseMessage; retry?: number; comment: boolean } {
  let id: string | undefined;
  let event: string | undefined;
  const data: string[] = [];
  let retry: number | undefined;
  let comment = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comment = true;
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') retry = Number(value);
  }
  const message = data.length ? { ...(id !== undefined && { id }), ...(event !== undefined && { event }), data: data.join('\n') } : undefined;
  return { message, retry, comment };
}

/** Reads `res`'s body as SSE: `take(n)` resolves with the next n messages (comments excluded). */
export function readSse(res: Response, timeoutMs = 10_000) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const queue: SseMessage[] = [];
  const waiting: (() => void)[] = [];
  const state = { retry: undefined as number | undefined, comments: 0, done: false };
  let buffer = '';
  const closed = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const parsed = parseSseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (parsed.retry !== undefined) state.retry = parsed.retry;
          if (parsed.comment) state.comments++;
          if (parsed.message) queue.push(parsed.message);
        }
        for (const w of waiting.splice(0)) w();
      }
    } catch {
      // cancelled
    } finally {
      state.done = true;
      for (const w of waiting.splice(0)) w();
    }
  })();
  return {
    get retry() {
      return state.retry;
    },
    get comments() {
      return state.comments;
    },
    closed,
    async take(n: number): Promise<SseMessage[]> {
      const deadline = Date.now() + timeoutMs;
      while (queue.length < n) {
        if (state.done) throw new Error(`the stream ended after ${queue.length} of ${n} messages`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`only ${queue.length} of ${n} messages within ${timeoutMs} ms: ${JSON.stringify(queue)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return queue.splice(0, n);
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
