import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random token for the WeChat admin page: `length` letters and digits (3 to 32, WeChat's
 * limits), drawn from the CSPRNG. `crypto.randomInt` rejects out-of-range draws, so every
 * character is equally likely (no modulo bias).
 *
 * @throws RangeError when `length` is not an integer from 3 to 32.
 * @example
 * ```ts
 * generateToken();   // e.g. 'q3ZkT0bW9mXc1LrV8sNa2PyD4fHgJ7uE'
 * generateToken(16); // e.g. 'Xk2pQ9sLm4TzV7bN'
 * ```
 */
export function generateToken(length = 32): string {
  if (!Number.isInteger(length) || length < 3 || length > 32) {
    throw new RangeError(`token length must be an integer from 3 to 32, got ${String(length)}`);
  }
  let token = '';
  for (let i = 0; i < length; i++) token += ALPHABET[randomInt(ALPHABET.length)];
  return token;
}
