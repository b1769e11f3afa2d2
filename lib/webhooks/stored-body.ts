import { scrubCardNumbersDeep } from '@/lib/cards';
import { parseJsonExact } from '@/lib/json';
import { sha256 } from '@/lib/payments/claim';
import { maskUnparsedText, redactSecrets } from '@/lib/secrets';
import { mapStrings, storableText } from '@/lib/text';

/** What a delivery row keeps of a body: enough to see what was sent, never a store of payloads. */
export const STORED_BODY_CHARS = 16 * 1024;

/**
 * A refused body is kept for the operator, but never with a card number or a secret in it. One
 * that parses is walked: every secret key's value replaced (keys compared after unescaping and
 * case-folding, values of any type), card numbers cut to their last four, then written out again
 * (numbers come back as strings: parseJsonExact keeps their exact text that way). One that does
 * not parse (form-encoded, truncated by the size cap, garbage) is masked as text: every secret
 * form, and every digit run that could be a card number whatever its prefix or checksum. Then it
 * is capped. The hash is of this redacted text: a hash of the raw body would let a card number be
 * brute-forced.
 */
export function redactedBody(text: string | null, secretKeys: readonly string[]) {
  if (text === null) return { body: null, bodySha256: null, bodyTruncated: false, flags: [] as string[] };
  let redacted: string;
  let cards: number;
  const parsed = parseJsonExact(text);
  if (parsed.ok) {
    const scrubbed = scrubCardNumbersDeep(redactSecrets(parsed.value, secretKeys).value);
    redacted = JSON.stringify(mapStrings(scrubbed.value, (s) => storableText(s).text));
    cards = scrubbed.found;
  } else {
    const masked = maskUnparsedText(text, secretKeys);
    redacted = storableText(masked.text).text;
    cards = masked.cards;
  }
  return {
    body: redacted.slice(0, STORED_BODY_CHARS),
    bodySha256: sha256(redacted),
    bodyTruncated: redacted.length > STORED_BODY_CHARS,
    flags: cards > 0 ? ['card_number_scrubbed'] : [],
  };
}
