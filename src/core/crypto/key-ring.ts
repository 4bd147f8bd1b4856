import { DecryptError, InvalidEncodingAESKeyError } from '../errors.js';
import { type EncryptedMessageParams, MessageCrypt, signedEncrypt } from './message-crypt.js';

/** What {@link KeyRing} needs: the account's token and AppID, and its keys, newest first. */
export interface KeyRingOptions {
  token: string;
  appId: string;
  /** One EncodingAESKey, or several while one is being rotated out: the newest first. */
  encodingAESKey: string | readonly string[];
}

/** A decrypted message and the crypt of the key it came with, which encrypts its reply. */
export interface Decrypted {
  xml: string;
  crypt: MessageCrypt;
}

/**
 * An account's EncodingAESKeys during a rotation (管理后台 → 修改 EncodingAESKey): WeChat switches
 * to the new key at once, but messages already on their way (and retries of them) still come
 * with the old one. Each message is tried with every key, newest first; its reply goes out with
 * the key it came with, which the sender can read.
 *
 * @throws InvalidEncodingAESKeyError for an empty list or a malformed key (at construction).
 * @example
 * ```ts
 * const ring = new KeyRing({ token, appId, encodingAESKey: [newKey, oldKey] });
 * const { xml, crypt } = ring.decryptMessage({ encrypt, timestamp, nonce, msgSignature });
 * ctx.body = crypt.encryptReply(replyXml);
 * ```
 */
export class KeyRing {
  /** One crypt per key, newest first. */
  readonly crypts: readonly MessageCrypt[];
  readonly #token: string;

  constructor(options: KeyRingOptions) {
    const keys =
      typeof options.encodingAESKey === 'string'
        ? [options.encodingAESKey]
        : options.encodingAESKey;
    if (keys.length === 0) throw new InvalidEncodingAESKeyError();
    this.crypts = keys.map(
      (encodingAESKey) =>
        new MessageCrypt({ token: options.token, appId: options.appId, encodingAESKey }),
    );
    this.#token = options.token; // checked by the crypts: there is at least one
  }

  /** The crypt of the newest key: what a message without a key of its own is encrypted with. */
  get newest(): MessageCrypt {
    return this.crypts[0] as MessageCrypt;
  }

  /**
   * Checks `msg_signature` and decrypts with the first key that yields a well-formed message for
   * this AppID. The signature covers the token, timestamp, nonce and `Encrypt`, not the key: it is
   * checked once, before any key is tried.
   *
   * @throws SignatureError when `msg_signature` does not match.
   * @throws DecryptError when no key decrypts it (the newest key's reason is kept).
   */
  decryptMessage(params: EncryptedMessageParams): Decrypted {
    const encrypt = signedEncrypt(this.#token, params);
    let first: unknown;
    for (const crypt of this.crypts) {
      try {
        return { xml: crypt.decrypt(encrypt), crypt };
      } catch (error) {
        // Another key can only help when this one could not decrypt.
        if (!(error instanceof DecryptError)) throw error;
        first ??= error;
      }
    }
    throw first;
  }
}

/**
 * The keys of an `encodingAESKey` setting: one, or several separated by commas (a rotation),
 * the newest first; `undefined` for none.
 *
 * @example
 * ```ts
 * encodingAESKeys('newKey,oldKey'); // ['newKey', 'oldKey']
 * ```
 */
export function encodingAESKeys(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  return value.split(',').map((key) => key.trim());
}
