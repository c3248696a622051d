// The HS256 secret as jsonwebtoken should be handed it: a secret KeyObject, made once.
import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Handed a string (or a Buffer), jsonwebtoken first tries it as a public key
 * (crypto.createPublicKey, which throws) on every verify before making a secret key of it:
 * under load that was a fifth of the service's CPU. A KeyObject is used as it is.
 */
export function hs256Key(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * The key as passport-jwt's options type it. @types/passport-jwt allows string | Buffer only,
 * but passport-jwt hands the key to jsonwebtoken unchanged and jsonwebtoken 9 takes a KeyObject
 * (verify.js): the types lag the runtime, so this one cast cannot be avoided.
 */
export function hs256KeyForPassport(secret: string): Buffer {
  return hs256Key(secret) as unknown as Buffer;
}
