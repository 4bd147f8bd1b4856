import type { Decrypted } from '../src/core/crypto/key-ring.js';
import type { EncryptedMessageParams, MessageCrypt } from '../src/core/crypto/message-crypt.js';
import { DecryptError, SignatureError, WechatError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { rootChildText } from '../src/core/messages/xml.js';
import { type EncryptMode, resolveEncryptMode } from '../src/core/security/encrypt-mode.js';
import type { NonceStore } from '../src/core/security/nonce-store.js';
import { readBody } from './body.js';
import { type HttpContext, rejectingThrows, type Stage } from './context.js';
import { checkReplay } from './replay.js';
import { type PipelineState, queryParam, stateOf } from './state.js';

/** Options of {@link decrypt}. */
export interface DecryptOptions {
  /** The account's crypt (token, EncodingAESKey, AppID); `undefined` when safe mode is off. */
  crypt: MessageCrypt | undefined;
  /**
   * Which requests are accepted: `'safe'` only encrypted ones (a plaintext POST gets 403),
   * `'compatible'` both, `'plain'` only plaintext ones (an encrypted one gets 400). Default
   * `'safe'` with a crypt, `'plain'` without.
   *
   * @throws {PipelineError} from `decrypt()` for `'safe'` or `'compatible'` without a crypt.
   */
  encryptMode?: EncryptMode;
  /**
   * Where signed POSTs are remembered (timestamp + nonce + signature → body digest); a repeat with
   * another body gets 403. `undefined` or `false`: no replay check (`pipeline()` gives a memory store).
   */
  nonceStore?: NonceStore | false;
  /** How long the nonce store remembers a request, in ms (default 600 000). */
  nonceTtl?: number;
  /** Largest body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  logger?: Logger;
}

/**
 * Reads the body of a POST and, for a safe-mode (`encrypt_type=aes`) request, checks
 * `msg_signature`, decrypts `<Encrypt>` and leaves the plain XML for `parse()`, noting that the
 * reply must be encrypted. A plaintext request is refused in `'safe'` mode and passes through
 * untouched otherwise (a plaintext reply). Compatible mode's envelope (plain fields beside
 * `<Encrypt>`) is read by its encrypted part. With a `nonceStore`, a signed URL seen before with
 * another body is refused (403).
 *
 * @example
 * ```ts
 * const crypt = new MessageCrypt({ token, encodingAESKey, appId });
 * app.use(verify({ token })).use(encrypt({ crypt })).use(decrypt({ crypt })).use(router(routes));
 * ```
 */
export function decrypt(options: DecryptOptions): Stage {
  const fixedMode = resolveEncryptMode(options.encryptMode, options.crypt !== undefined);
  const fixedCrypt = options.crypt;
  const fixedKeys: Keys | undefined = fixedCrypt && {
    decryptMessage: (params) => ({ xml: fixedCrypt.decryptMessage(params), crypt: fixedCrypt }),
  };
  /**
   * After the body is read: the replay check, then the message's XML, decrypted when it came
   * encrypted. Without a promise of its own when the nonce store answers at once (memory).
   */
  const open: AfterBody = (ctx, next, state, body, keys, encrypted) => {
    if (options.nonceStore) {
      const { account } = state;
      const logger = options.logger ?? state.logger;
      const digest = checkReplay(
        ctx,
        body,
        options.nonceStore,
        options.nonceTtl,
        logger,
        account?.scope,
      );
      if (typeof digest !== 'string') {
        return digest.then((known) => {
          state.bodyDigest = known;
          return readMessage(ctx, next, state, body, keys, encrypted);
        });
      }
      state.bodyDigest = digest;
    }
    return readMessage(ctx, next, state, body, keys, encrypted);
  };

  // A stage answers with a promise, even for what it refuses before reading anything.
  return rejectingThrows((ctx, next) => {
    const state = stateOf(ctx, options.logger);
    // A resolved account brings its own keys and mode.
    const { account } = state;
    const keys = account ? account.keys : fixedKeys;
    const mode = account ? account.encryptMode : fixedMode;
    const encrypted = queryParam(ctx, 'encrypt_type') === 'aes';
    if (!encrypted && mode === 'safe') {
      // `signature` does not cover the body: in safe mode a plaintext POST is a forgery or a
      // misconfiguration, never WeChat.
      throw new SignatureError(
        "plaintext request refused: encryptMode is 'safe' (set encryptMode 'compatible' to accept both)",
      );
    }
    if (encrypted && (mode === 'plain' || !keys)) {
      throw new WechatError(
        keys
          ? "encrypted message received but encryptMode is 'plain'"
          : 'encrypted message received but no EncodingAESKey is configured',
        { status: 400 },
      );
    }
    if (state.body === undefined) {
      return readBody(ctx, options.bodyLimit).then((body) =>
        open(ctx, next, state, body, keys, encrypted),
      );
    }
    return open(ctx, next, state, state.body, keys, encrypted);
  });
}

/** Leaves the message's XML for `parse()`: the body, or what its `<Encrypt>` decrypts to. */
const readMessage: AfterBody = (ctx, next, state, body, keys, encrypted) => {
  if (!encrypted || !keys) {
    state.xml = body;
    return next();
  }
  // The envelope's <Encrypt>, read without a general XML parse when it has WeChat's shape.
  const encrypt = rootChildText(body, 'Encrypt');
  if (encrypt === undefined || encrypt === '')
    throw new DecryptError('no <Encrypt> in an encrypted request');
  const msgSignature = queryParam(ctx, 'msg_signature');
  const timestamp = queryParam(ctx, 'timestamp');
  const nonce = queryParam(ctx, 'nonce');
  if (msgSignature === undefined || timestamp === undefined || nonce === undefined) {
    throw new SignatureError('msg_signature, timestamp or nonce missing');
  }
  // A SignatureError here names no value: logging the expected msg_signature would leak it.
  const decrypted = keys.decryptMessage({ encrypt, timestamp, nonce, msgSignature });
  state.xml = decrypted.xml;
  state.crypt = decrypted.crypt; // the reply goes out with the key the message came with
  state.encrypted = true;
  return next();
};

/** What runs once the body is read: the request's state, its body, keys and whether it came encrypted. */
type AfterBody = (
  ctx: HttpContext,
  next: () => Promise<void>,
  state: PipelineState,
  body: string,
  keys: Keys | undefined,
  encrypted: boolean,
) => Promise<void>;

/** What decrypts a request: a key ring, or the one crypt of `options`. */
type Keys = { decryptMessage(params: EncryptedMessageParams): Decrypted };
