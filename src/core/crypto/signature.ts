import { hash, timingSafeEqual } from 'node:crypto';

/** A SHA-1 digest written as hex: 40 characters. Either case is accepted (same digest). */
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

/**
 * The query parameters WeChat signs a request with. Values are `unknown` because they come
 * straight from a query string (Koa gives `string | string[] | undefined`); anything that is not
 * a non-empty string fails the check.
 *
 * @example
 * ```ts
 * const params: SignatureParams = { token: 'tokenhere', ...ctx.query };
 * ```
 */
export interface SignatureParams {
  token: unknown;
  timestamp: unknown;
  nonce: unknown;
  signature: unknown;
}

/**
 * The parameters of a `msg_signature` check (safe and compatible mode): the
 * {@link SignatureParams} plus the `Encrypt` value from the body.
 *
 * @example
 * ```ts
 * const params: MsgSignatureParams = {
 *   token: 'tokenhere',
 *   timestamp: ctx.query.timestamp,
 *   nonce: ctx.query.nonce,
 *   encrypt: envelope.Encrypt,
 *   msgSignature: ctx.query.msg_signature,
 * };
 * ```
 */
export interface MsgSignatureParams {
  token: unknown;
  timestamp: unknown;
  nonce: unknown;
  encrypt: unknown;
  msgSignature: unknown;
}

/** SHA-1 of the sorted parts, concatenated (one-shot `hash`: no Hash object per request). */
function sha1OfSorted(parts: string[]): Buffer {
  sortFew(parts);
  return hash('sha1', parts.join(''), 'buffer');
}

/**
 * Sorts a few strings in place by UTF-16 code units, as `Array.prototype.sort()` does: for
 * WeChat's ASCII values that is byte order, which is what WeChat's own `sort` does. An insertion
 * sort, because V8's sort allocates its work state on every call (about 1 KB of garbage a
 * request, for three or four strings).
 */
function sortFew(parts: string[]): void {
  for (let i = 1; i < parts.length; i++) {
    const value = parts[i] as string;
    let j = i - 1;
    while (j >= 0 && (parts[j] as string) > value) {
      parts[j + 1] = parts[j] as string;
      j--;
    }
    parts[j + 1] = value;
  }
}

/**
 * WeChat's request signature: `sha1hex(sort([token, timestamp, nonce, ...extra]).join(''))`.
 * Pass the `Encrypt` value as `extra` to get a `msg_signature`.
 *
 * @example
 * ```ts
 * computeSignature('tokenhere', '1409304348', 'xxxxxx');
 * // → '9c6a46d9738c9dcefb4cc0da1cb3ba8c8e541aa0'
 * computeSignature(token, timestamp, nonce, encrypt); // msg_signature
 * ```
 */
export function computeSignature(
  token: string,
  timestamp: string,
  nonce: string,
  ...extra: string[]
): string {
  return sha1OfSorted([token, timestamp, nonce, ...extra]).toString('hex');
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Constant-time comparison of a received hex signature against the digest of `parts`. */
function matches(parts: unknown[], received: unknown): boolean {
  if (!isNonEmptyString(received) || !SHA1_HEX.test(received)) return false;
  if (!parts.every(isNonEmptyString)) return false;
  const expected = sha1OfSorted(parts);
  // Compare raw digests, not hex text, so the case of the hex does not matter.
  const actual = Buffer.from(received, 'hex');
  // Always 20 = 20 after the regex above; kept so timingSafeEqual can never throw.
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(actual, expected);
}

/**
 * Checks a request's `signature` against the token, in constant time. A missing, empty,
 * repeated (array) or malformed parameter makes it `false`; it never throws.
 *
 * @example
 * ```ts
 * const { signature, timestamp, nonce } = ctx.query;
 * if (!checkSignature({ token: 'tokenhere', signature, timestamp, nonce })) ctx.throw(403);
 * ```
 */
export function checkSignature(params: SignatureParams): boolean {
  return matches([params.token, params.timestamp, params.nonce], params.signature);
}

/**
 * Checks a request's `msg_signature` (signed over the `Encrypt` value too), in constant time.
 * Never throws; anything missing or malformed is `false`.
 *
 * @example
 * ```ts
 * const ok = checkMsgSignature({
 *   token: 'tokenhere',
 *   timestamp: ctx.query.timestamp,
 *   nonce: ctx.query.nonce,
 *   encrypt: envelope.Encrypt,
 *   msgSignature: ctx.query.msg_signature,
 * });
 * ```
 */
export function checkMsgSignature(params: MsgSignatureParams): boolean {
  return matches(
    [params.token, params.timestamp, params.nonce, params.encrypt],
    params.msgSignature,
  );
}
