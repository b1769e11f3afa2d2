import { AppError } from '@/lib/errors';

const OTP = /^\d{4,8}$/;

/**
 * Takes the OTP out of a parsed validate body before anything else looks at it, so no schema
 * error, log line or stored row can ever carry it: the rest of the body is validated without
 * it, and a bad OTP is refused with a fixed message that never echoes what was sent.
 */
export function takeOtp(body: unknown): { otp: string; rest: Record<string, unknown> } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('invalid_input', 'The body must be a JSON object.');
  const { otp, ...rest } = body as Record<string, unknown>;
  if (typeof otp !== 'string' || !OTP.test(otp)) throw new AppError('invalid_input', 'otp must be a string of 4 to 8 digits.');
  return { otp, rest };
}
