import {
  createHash,
  createHmac,
  createPublicKey,
  type KeyObject,
  timingSafeEqual,
  verify,
} from 'node:crypto';

/**
 * Whether `presented` is the HMAC of `message` keyed with `key`, in the encoding the provider uses,
 * compared in constant time. A header of the wrong length or encoding is simply no match.
 *
 * @example hmacMatches('sha1', authToken, signedText, header, 'base64') // Twilio
 */
export function hmacMatches(
  algorithm: 'sha1' | 'sha256',
  key: string,
  message: string | Buffer,
  presented: string,
  encoding: 'base64' | 'hex',
): boolean {
  const expected = createHmac(algorithm, key).update(message).digest();
  const actual = Buffer.from(presented.trim(), encoding);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether two secrets are equal, in time that depends on neither (both are hashed first). */
export function secretMatches(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected)) && expected !== '';
}

/** The HMAC a test or a sender computes, in the encoding asked for. */
export function hmac(
  algorithm: 'sha1' | 'sha256',
  key: string,
  message: string | Buffer,
  encoding: 'base64' | 'hex',
) {
  return createHmac(algorithm, key).update(message).digest(encoding);
}

/** A public key given as base64 DER (SubjectPublicKeyInfo), as SendGrid shows it; null if it is none. */
export function publicKeyFromBase64(text: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' ? key : null;
  } catch {
    return null;
  }
}

/**
 * Whether `signature` (base64 DER) is an ECDSA signature with SHA-256 of `message` by the holder of
 * `publicKey` (base64 DER). A key or signature that does not parse is simply no match.
 *
 * @example ecdsaVerifies(sendgridKey, Buffer.concat([Buffer.from(timestamp), body]), header) // SendGrid
 */
export function ecdsaVerifies(publicKey: string, message: Buffer, signature: string): boolean {
  const key = publicKeyFromBase64(publicKey);
  if (key === null) return false;
  try {
    return verify('sha256', message, key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    return false;
  }
}
