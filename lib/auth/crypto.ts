import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets PayOps keeps at rest (TOTP secrets) are encrypted with AES-256-GCM under a key derived
 * (HKDF-SHA256) from PAYOPS_ENCRYPTION_KEY — never from the session secret, so a leaked
 * AUTH_SECRET does not open them. Each ciphertext is bound to what it belongs to (`context`, e.g.
 * `totp:user:12`), so copying one user's row onto another's makes it undecryptable.
 */

function masterKey(): string {
  const key = process.env.PAYOPS_ENCRYPTION_KEY;
  if (!key || key.length < 32) throw new Error('PAYOPS_ENCRYPTION_KEY is not set (at least 32 characters of random key material)');
  return key;
}

function derive(purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey(), Buffer.alloc(0), `payops:${purpose}`, 32));
}

/** `v1.<iv>.<ciphertext>.<tag>`, base64url. */
export function encryptSecret(plain: Uint8Array, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive('secrets:v1'), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** The plaintext, or null if it was not encrypted under this key for this context. */
export function decryptSecret(stored: string, context: string): Uint8Array | null {
  const [version, iv, body, tag] = stored.split('.');
  if (version !== 'v1' || !iv || !body || !tag) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive('secrets:v1'), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]));
  } catch {
    return null;
  }
}

/** A keyed hash (HMAC-SHA256) for values checked by equality, like recovery codes. */
export function keyedHash(purpose: string, value: string): string {
  return createHmac('sha256', derive(`hash:${purpose}`)).update(value).digest('base64url');
}
