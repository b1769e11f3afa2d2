import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { PASSWORD_MIN_LENGTH } from './password';

/**
 * How strong a new password must be: at least PASSWORD_MIN_LENGTH characters and a zxcvbn score
 * of 3 or more ("safely unguessable", about 10^8 guesses and up), judged offline by zxcvbn-ts with
 * its common-password, English and keyboard-pattern dictionaries, and against the person's own
 * email and name and the product's name (a password made of those is easy to guess for whoever
 * knows them).
 */
export const MIN_SCORE = 3;

let factory: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  }));

export type StrengthVerdict = { ok: true } | { ok: false; message: string };

export function judgePassword(password: string, context: { email: string; name?: string | null }): StrengthVerdict {
  if (password.length < PASSWORD_MIN_LENGTH) return { ok: false, message: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (password.length > 256) return { ok: false, message: 'Use at most 256 characters.' };
  const inputs = ['payops', 'enkash', 'juspay', context.email, ...context.email.split(/[@.]/), ...(context.name?.split(/\s+/) ?? [])].filter(Boolean);
  const result = zxcvbn().check(password, inputs);
  if (result.score >= MIN_SCORE) return { ok: true };
  const hint = result.feedback.warning || result.feedback.suggestions[0] || 'Add more words or characters that are hard to guess.';
  return { ok: false, message: `That password is too easy to guess. ${hint}`.trim() };
}
