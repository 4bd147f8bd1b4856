import { hash } from 'node:crypto';
import { bounded } from '../src/core/bounded.js';
import { SignatureError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { MemoryNonceStore, type NonceStore } from '../src/core/security/nonce-store.js';
import { DEFAULT_TIMESTAMP_WINDOW } from '../src/core/security/timestamp.js';
import type { HttpContext } from './context.js';
import { queryParam } from './state.js';

/**
 * Default memory of the replay check, in ms: a timestamp is accepted from `window` before to
 * `window` after it, so a signed URL stays usable for twice the (default) window.
 */
export const DEFAULT_NONCE_TTL = 2 * DEFAULT_TIMESTAMP_WINDOW * 1000;

/** A store that does not answer within this many ms is skipped: WeChat waits 5 s in all. */
const STORE_TIMEOUT = 1000;

/**
 * Refuses (403) a signed POST whose timestamp + nonce + signature was seen with another body: the
 * signature does not cover the body, so that is a forged message on a leaked URL. The same body
 * again is WeChat's retry (or an identical replay), which passes on to the dedupe stage. A store
 * that fails or hangs is logged and skipped, as the dedupe stage does. Resolves with the body's
 * SHA-1 (hex), which the dedupe stage reuses for a plaintext message: at once with the memory
 * store (a throw for a replay), else as a promise. `scope` (the account's
 * AppID in a multi-account pipeline) prefixes the key.
 */
export function checkReplay(
  ctx: HttpContext,
  body: string,
  store: NonceStore,
  ttl = DEFAULT_NONCE_TTL,
  logger: Logger,
  scope?: string,
): string | Promise<string> {
  // The signature adds nothing to the key (it is a function of the token, timestamp and nonce),
  // and leaving it out keeps the store from holding a usable signature. Accounts sharing a store
  // each have their own: two of them may well see the same timestamp and nonce.
  const signed = `${queryParam(ctx, 'timestamp') ?? ''}:${queryParam(ctx, 'nonce') ?? ''}`;
  const key = scope === undefined ? signed : `${scope}:${signed}`;
  const digest = hash('sha1', body, 'hex');
  // The memory store answers at once and cannot hang: no promise, no timer for it.
  if (store instanceof MemoryNonceStore) {
    // Typed as any store's answer: a subclass may still answer with a promise.
    const earlier = (store as NonceStore).remember(key, digest, ttl);
    if (!(earlier instanceof Promise)) return judged(earlier, digest);
    return settled(() => earlier, digest, logger);
  }
  const asked = () => bounded(Promise.resolve(store.remember(key, digest, ttl)), STORE_TIMEOUT);
  return settled(asked, digest, logger);
}

/** The check on an answer that comes later: a store that fails (or hangs) is logged and skipped. */
async function settled(
  answer: () => Promise<string | undefined>,
  digest: string,
  logger: Logger,
): Promise<string> {
  let earlier: string | undefined;
  try {
    earlier = await answer();
  } catch (error) {
    logger.warn({ err: error }, 'zgrobot: replay check skipped: the nonce store failed');
    return digest;
  }
  return judged(earlier, digest);
}

/** `digest`, unless the same timestamp and nonce came earlier with another body. */
function judged(earlier: string | undefined, digest: string): string {
  if (earlier !== undefined && earlier !== digest) {
    throw new SignatureError('replayed timestamp and nonce with a different body');
  }
  return digest;
}
