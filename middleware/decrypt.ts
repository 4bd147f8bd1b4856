import type { Middleware } from 'koa';
import type { MessageCrypt } from '../src/crypto/message-crypt.js';
import { computeSignature } from '../src/crypto/signature.js';
import { DecryptError, SignatureError, WechatError } from '../src/errors.js';
import type { Logger } from '../src/logger.js';
import { parseXml } from '../src/messages/xml.js';
import { readBody } from './body.js';
import { queryParam, stateOf } from './state.js';

/** Options of {@link decrypt}. */
export interface DecryptOptions {
  /** The account's crypt (token, EncodingAESKey, AppID); `undefined` when safe mode is off. */
  crypt: MessageCrypt | undefined;
  /** Largest body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** The token, only to log the expected `msg_signature` at debug level when one is refused. */
  token?: string;
  logger?: Logger;
}

/**
 * Decrypts a safe-mode (`encrypt_type=aes`) request: checks `msg_signature`, decrypts `<Encrypt>`
 * and leaves the plain XML for `parse()`, noting that the reply must be encrypted. A plaintext
 * request passes through untouched, even when a key is configured, so a plaintext request gets a
 * plaintext reply. Compatible mode (plain fields beside `<Encrypt>`) is read as safe mode.
 *
 * @example
 * ```ts
 * const crypt = new MessageCrypt({ token, encodingAESKey, appId });
 * app.use(verify({ token })).use(encrypt({ crypt })).use(decrypt({ crypt })).use(router(routes));
 * ```
 */
export function decrypt(options: DecryptOptions): Middleware {
  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const body = await readBody(ctx, options.bodyLimit);
    if (queryParam(ctx, 'encrypt_type') !== 'aes') {
      state.xml = body;
      return next();
    }
    if (!options.crypt) {
      throw new WechatError('encrypted message received but no EncodingAESKey is configured', {
        status: 400,
      });
    }
    const envelope = parseXml(body);
    const encrypt = envelope.Encrypt;
    if (typeof encrypt !== 'string' || encrypt === '')
      throw new DecryptError('no <Encrypt> in an encrypted request');
    const msgSignature = queryParam(ctx, 'msg_signature');
    const timestamp = queryParam(ctx, 'timestamp');
    const nonce = queryParam(ctx, 'nonce');
    if (msgSignature === undefined || timestamp === undefined || nonce === undefined) {
      throw new SignatureError('msg_signature, timestamp or nonce missing');
    }
    try {
      state.xml = options.crypt.decryptMessage({ encrypt, timestamp, nonce, msgSignature });
    } catch (error) {
      if (error instanceof SignatureError && options.token !== undefined) {
        const expected = computeSignature(options.token, timestamp, nonce, encrypt);
        state.logger.debug(`zgrobot: expected msg_signature ${expected}, received ${msgSignature}`);
      }
      throw error;
    }
    state.encrypted = true;
    return next();
  };
}
