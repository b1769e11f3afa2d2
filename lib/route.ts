import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { AppError, isDatabaseUnavailable } from './errors';
import { logError } from './log';

export function jsonError(status: number, code: string, message: string, extra?: Record<string, unknown>) {
  return Response.json({ error: { code, message, ...extra } }, { status, headers: { 'cache-control': 'no-store' } });
}

/**
 * Wraps a route handler: an AppError becomes its status with `{error: {code, message}}`, a
 * ZodError a 400 with the field issues, a lost database a 503, anything else a generic 500
 * with a request id — the real error goes to the log, never to the client.
 */
export function route<A extends unknown[]>(handler: (req: Request, ...rest: A) => Promise<Response>) {
  return async (req: Request, ...rest: A): Promise<Response> => {
    try {
      return await handler(req, ...rest);
    } catch (err) {
      return errorResponse(err, req);
    }
  };
}

export function errorResponse(err: unknown, req?: Request): Response {
  if (err instanceof AppError) return jsonError(err.status, err.code, err.message);
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return jsonError(400, 'invalid_input', 'The request is not valid.', { issues });
  }
  const requestId = randomUUID();
  const where = req ? `${req.method} ${new URL(req.url).pathname}` : 'request';
  if (isDatabaseUnavailable(err)) {
    logError(`[${requestId}] ${where}: database unavailable: ${(err as Error).message}`);
    return jsonError(503, 'unavailable', 'The database is unavailable; try again shortly.', { requestId });
  }
  logError(`[${requestId}] ${where}:`, err);
  return jsonError(500, 'internal', 'Something went wrong on our side.', { requestId });
}

export const methodNotAllowed = (allow: string) => () =>
  new Response(JSON.stringify({ error: { code: 'method_not_allowed', message: `Use ${allow}.` } }), {
    status: 405,
    headers: { allow, 'content-type': 'application/json' },
  });
