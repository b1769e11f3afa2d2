import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Endpoint, Fault, SandboxProvider, SandboxState } from './state';

/** The simulator's tiny routing vocabulary, shared by the provider and control routes. */

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** A JSON object or a form, parsed; undefined when absent or not an object. */
  body: Record<string, unknown> | undefined;
  /** The query string without its `?` ('' when none). */
  rawQuery?: string;
  /** The fault taken for this request, when the route handles it itself (the refund_* modes). */
  fault?: Fault | null;
}

export interface SandboxReply {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  /** Never answer (after the handler did its work): a send whose outcome the caller cannot know. */
  hang?: boolean;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** `/enkash/pay/resend/otp/:id` — a `:name` segment matches one path segment. */
  path: string;
  /** Provider endpoints are counted and can be faulted; control routes have none. */
  endpoint?: Endpoint;
  /** For OTP sends: the transaction whose `sendRequests` this request counts towards. */
  sendKey?: (req: SandboxRequest) => [SandboxProvider, string] | null;
  handle: (req: SandboxRequest, state: SandboxState) => SandboxReply | Promise<SandboxReply>;
}

export const json = (status: number, body: unknown): SandboxReply => ({ status, json: body });
export const text = (status: number, body: string): SandboxReply => ({ status, text: body });

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return null;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) return null;
  }
  return params;
}

export function header(req: SandboxRequest, name: string): string | null {
  const v = req.headers[name.toLowerCase()];
  return typeof v === 'string' ? v : null;
}

export function bearer(req: SandboxRequest): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
  return m ? m[1] : null;
}

export function basic(req: SandboxRequest): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header(req, 'authorization') ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** A non-empty string field of the body, else null. */
export function field(req: SandboxRequest, name: string): string | null {
  const v = req.body?.[name];
  return typeof v === 'string' && v !== '' ? v : null;
}

export function same(a: string | null | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** India time as Enkash writes it: `YYYY-MM-DD HH:mm:ss`, no zone. */
export function istNow(): string {
  return new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

export function randomId(prefix: string, length = 10): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let s = prefix;
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/**
 * A JSON number written exactly as given: Juspay sends amounts as numbers (`"amount": 1499.50`),
 * and a JS number would print 1499.5 or round a large one. Use inside a reply or event body.
 */
export class RawNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(?:\.\d+)?$/.test(text)) throw new TypeError('RawNumber: not a plain decimal');
  }
}

const RAW_MARK = '\u0000raw-number:';

/** JSON.stringify, with every RawNumber written as its exact digits. */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawNumber ? `${RAW_MARK}${v.text}` : v));
  return text.replace(/"\\u0000raw-number:(-?[0-9.]+)"/g, '$1');
}
