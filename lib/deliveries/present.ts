import { parseJsonExact } from '@/lib/json';

/**
 * Indents a JSON body for reading without re-serialising it: numbers keep their exact source
 * text (`0.0000` stays `0.0000`), which JSON.parse + JSON.stringify would not. Anything that is
 * not valid JSON (a refused body, a truncated one) comes back unchanged.
 */
export function prettyJsonText(text: string): string {
  if (!parseJsonExact(text).ok) return text;
  const pad = (depth: number) => `\n${'  '.repeat(depth)}`;
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end + 1);
      i = end;
    } else if (ch === '{' || ch === '[') {
      const next = nextNonSpace(text, i + 1);
      if (text[next] === '}' || text[next] === ']') {
        out += ch + text[next];
        i = next;
      } else {
        out += ch + pad(++depth);
      }
    } else if (ch === '}' || ch === ']') {
      out += pad(--depth) + ch;
    } else if (ch === ',') {
      out += ',' + pad(depth);
    } else if (ch === ':') {
      out += ': ';
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i])) i++;
  return i;
}

/** 512 B, 1.5 KB, 70.0 KB: sizes for people. */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Badge families (app/_components/format.tsx StatusBadge) for a delivery's outcome and auth verdict. */
export const OUTCOME_FAMILY: Record<string, string> = { accepted: 'success', duplicate: 'cancelled', rejected: 'failed' };
export const AUTH_BADGE: Record<string, { label: string; family: string }> = {
  ok: { label: 'secret ok', family: 'success' },
  unauthenticated: { label: 'no secret set', family: 'open' },
  missing: { label: 'secret missing', family: 'failed' },
  invalid: { label: 'secret wrong', family: 'failed' },
};
