import { randomFillSync, randomInt } from 'node:crypto';
import {
  DecryptError,
  InvalidEncodingAESKeyError,
  SignatureError,
  WechatError,
} from '../errors.js';
import { AES_BLOCK, AesCbc } from './aes-cbc.js';
import { checkMsgSignature, computeSignature } from './signature.js';

/** 43 characters of the standard base64 alphabet; with '=' appended they decode to 32 bytes. */
const ENCODING_AES_KEY = /^[A-Za-z0-9+/]{43}$/;
/**
 * The bytes of padded standard base64 without whitespace, the only form WeChat sends; `undefined`
 * for anything else. Buffer.from skips characters outside the alphabet (whitespace, `!`, a `=`
 * too early) and so decodes fewer bytes than the text's length promises; it also takes base64url's
 * `-` and `_`, looked for apart. Accepts exactly what `/^[A-Za-z0-9+/]*={0,2}$/` with a length
 * that is a multiple of 4 does, at half a regular expression's cost on a 700-character value.
 */
function strictBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0) return undefined;
  const data = Buffer.from(text, 'base64');
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (data.length !== (text.length / 4) * 3 - padding) return undefined;
  if (text.includes('-') || text.includes('_')) return undefined;
  return data;
}
const DIGITS = /^[0-9]+$/;
const NONCE = /^[A-Za-z0-9]+$/;

/** WeChat pads to 32-byte blocks, not AES's 16, so Node's own padding must stay off. */
const PAD_BLOCK = 32;
/** random(16) ‖ uint32 length(4): the fixed header before the message bytes. */
const HEADER = 20;

/**
 * CSPRNG bytes for the 16-byte random prefixes, drawn 4 KiB at a time: one `randomBytes(16)`
 * call costs ~5 µs, a slice of the pool ~0.1 µs (Node caches `randomUUID` the same way). Each
 * byte is handed out once.
 */
const RANDOM_POOL_SIZE = 4096;
const randomPool = Buffer.allocUnsafeSlow(RANDOM_POOL_SIZE);
let randomPoolOffset = RANDOM_POOL_SIZE;

function nextRandom16(): Buffer {
  if (randomPoolOffset + 16 > RANDOM_POOL_SIZE) {
    randomFillSync(randomPool);
    randomPoolOffset = 0;
  }
  const bytes = randomPool.subarray(randomPoolOffset, randomPoolOffset + 16);
  randomPoolOffset += 16;
  return bytes;
}

/**
 * What {@link MessageCrypt} needs: the values from the WeChat admin page.
 *
 * @example
 * ```ts
 * const options: MessageCryptOptions = {
 *   token: 'tokenhere',
 *   encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
 *   appId: 'wx0123456789abcdef',
 * };
 * ```
 */
export interface MessageCryptOptions {
  token: string;
  /** 43 characters of base64, as shown on the admin page. */
  encodingAESKey: string;
  appId: string;
}

/**
 * The parts of an encrypted request that {@link MessageCrypt.decryptMessage} checks: the query's
 * `timestamp`, `nonce` and `msg_signature`, and the body's `Encrypt`. Values are `unknown`
 * because they come from a query string; anything malformed fails the signature check.
 *
 * @example
 * ```ts
 * const params: EncryptedMessageParams = {
 *   encrypt: envelope.Encrypt,
 *   timestamp: ctx.query.timestamp,
 *   nonce: ctx.query.nonce,
 *   msgSignature: ctx.query.msg_signature,
 * };
 * ```
 */
export interface EncryptedMessageParams {
  encrypt: unknown;
  timestamp: unknown;
  nonce: unknown;
  msgSignature: unknown;
}

/**
 * Optional envelope values for {@link MessageCrypt.encryptReply}; fixed values make the
 * output reproducible in tests.
 *
 * @example
 * ```ts
 * const options: EncryptReplyOptions = { timestamp: 1409304348, nonce: 'xxxxxx' };
 * ```
 */
export interface EncryptReplyOptions {
  /** UNIX seconds (digits only); defaults to now. */
  timestamp?: string | number;
  /** Letters and digits; defaults to 10 random digits. */
  nonce?: string;
}

function requireNonEmpty(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new WechatError(`MessageCrypt: ${name} must be a non-empty string`, {
      status: 500,
      expose: false,
    });
  }
  return value;
}

/**
 * WeChat's message encryption (安全模式): AES-256-CBC with a 32-byte PKCS#7 padding, the
 * plaintext framed as `random(16) ‖ uint32BE(length) ‖ message ‖ appId`. The key is checked
 * when the object is built, so a bad configuration fails at startup, not on the first message.
 *
 * @throws InvalidEncodingAESKeyError when the key is not 43 base64 characters.
 * @throws WechatError when the token or appId is missing or empty.
 * @example
 * ```ts
 * const crypt = new MessageCrypt({ token, encodingAESKey, appId });
 * const xml = crypt.decryptMessage({ encrypt, timestamp, nonce, msgSignature });
 * ctx.body = crypt.encryptReply('<xml>…</xml>');
 * ```
 */
export class MessageCrypt {
  readonly #token: string;
  readonly #aes: AesCbc;
  readonly #appId: Buffer;

  constructor(options: MessageCryptOptions) {
    const { encodingAESKey } = options;
    if (typeof encodingAESKey !== 'string' || !ENCODING_AES_KEY.test(encodingAESKey)) {
      throw new InvalidEncodingAESKeyError();
    }
    const key = Buffer.from(`${encodingAESKey}=`, 'base64');
    if (key.length !== 32) throw new InvalidEncodingAESKeyError();
    this.#token = requireNonEmpty('token', options.token);
    this.#appId = Buffer.from(requireNonEmpty('appId', options.appId), 'utf8');
    // WeChat's IV is the key's first 16 bytes. Built once: every message reuses its contexts.
    this.#aes = new AesCbc(key, key.subarray(0, 16));
  }

  /**
   * Encrypts `text` into WeChat's base64 `Encrypt` value.
   *
   * @param randomBytes16 the 16-byte random prefix; leave it out except to reproduce a vector.
   * @example
   * ```ts
   * const encrypted = crypt.encrypt('<xml>…</xml>');
   * ```
   */
  encrypt(text: string, randomBytes16?: Uint8Array): string {
    // A pool slice is only valid until the next call; it is copied into `plain` right away.
    const random = randomBytes16 ?? nextRandom16();
    if (random.length !== 16) throw new RangeError('the random prefix must be 16 bytes');
    const msgLength = Buffer.byteLength(text, 'utf8');
    const contentLength = HEADER + msgLength + this.#appId.length;
    const pad = PAD_BLOCK - (contentLength % PAD_BLOCK); // 1..32: a full block when aligned
    // One block of room before the plaintext, which AesCbc.encrypt uses as scratch. Every byte
    // is written (here or there), so the unzeroed (pooled) allocation is safe.
    const room = Buffer.allocUnsafe(AES_BLOCK + contentLength + pad);
    const plain = room.subarray(AES_BLOCK);
    plain.set(random, 0);
    plain.writeUInt32BE(msgLength, 16);
    plain.write(text, HEADER, 'utf8');
    this.#appId.copy(plain, HEADER + msgLength);
    plain.fill(pad, contentLength);
    return this.#aes.encrypt(room).toString('base64');
  }

  /**
   * Decrypts WeChat's base64 `Encrypt` value and checks its padding, length and AppID.
   *
   * @throws DecryptError for anything that is not a well-formed message for this AppID.
   * @example
   * ```ts
   * const xml = crypt.decrypt(envelope.Encrypt);
   * ```
   */
  decrypt(encryptBase64: string): string {
    if (typeof encryptBase64 !== 'string' || encryptBase64.length === 0) {
      throw new DecryptError('ciphertext is empty');
    }
    const data = strictBase64(encryptBase64);
    if (data === undefined) throw new DecryptError('ciphertext is not valid base64');
    // Never 0 here: a non-empty text strictBase64 accepts decodes to 3·length/4 − padding ≥ 1 bytes.
    if (data.length % 16 !== 0) {
      throw new DecryptError('ciphertext length is not a multiple of the AES block size');
    }

    let plain: Buffer;
    try {
      plain = this.#aes.decrypt(data);
    } catch (cause) {
      throw new DecryptError('AES decryption failed', { cause });
    }

    // Strict PKCS#7 over 32-byte blocks. No padding oracle to fear here: decryptMessage checks
    // msg_signature (which needs the token) before any ciphertext reaches this point.
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length) {
      throw new DecryptError('invalid padding');
    }
    const contentLength = plain.length - pad;
    for (let i = contentLength; i < plain.length - 1; i++) {
      if (plain[i] !== pad) throw new DecryptError('invalid padding');
    }
    if (contentLength < HEADER) throw new DecryptError('decrypted message is too short');

    const msgLength = plain.readUInt32BE(16);
    const msgEnd = HEADER + msgLength;
    if (msgEnd > contentLength) {
      throw new DecryptError('message length runs past the end of the decrypted data');
    }
    if (!this.#appId.equals(plain.subarray(msgEnd, contentLength))) {
      throw new DecryptError('AppID mismatch: the message was encrypted for another account');
    }
    return plain.toString('utf8', HEADER, msgEnd);
  }

  /**
   * Wraps a reply in WeChat's encrypted envelope, signed with `MsgSignature`.
   *
   * @example
   * ```ts
   * ctx.body = crypt.encryptReply('<xml><Content><![CDATA[hi]]></Content></xml>');
   * crypt.encryptReply(xml, { timestamp: 1409304348, nonce: 'xxxxxx' }); // reproducible
   * ```
   */
  encryptReply(xml: string, options: EncryptReplyOptions = {}): string {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = options.nonce ?? String(randomInt(1_000_000_000, 10_000_000_000));
    // Both go into the XML unescaped (TimeStamp is not even in CDATA), so keep them plain.
    if (!DIGITS.test(timestamp)) throw new TypeError('timestamp must be digits (UNIX seconds)');
    if (!NONCE.test(nonce)) throw new TypeError('nonce must be letters and digits');
    const encrypt = this.encrypt(xml);
    const signature = computeSignature(this.#token, timestamp, nonce, encrypt);
    // base64 and hex never contain `]]>`, so plain CDATA sections are safe.
    return (
      `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt>` +
      `<MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
      `<TimeStamp>${timestamp}</TimeStamp>` +
      `<Nonce><![CDATA[${nonce}]]></Nonce></xml>`
    );
  }

  /**
   * Checks an encrypted request's `msg_signature`, then decrypts its `Encrypt` value.
   *
   * @throws SignatureError when `msg_signature` does not match (nothing is decrypted).
   * @throws DecryptError when the signature matches but the ciphertext is bad.
   * @example
   * ```ts
   * const xml = crypt.decryptMessage({
   *   encrypt: envelope.Encrypt,
   *   timestamp: ctx.query.timestamp,
   *   nonce: ctx.query.nonce,
   *   msgSignature: ctx.query.msg_signature,
   * });
   * ```
   */
  decryptMessage(params: EncryptedMessageParams): string {
    return this.decrypt(signedEncrypt(this.#token, params));
  }
}

/**
 * The `Encrypt` value of `params` once its `msg_signature` is checked against `token`.
 *
 * @throws SignatureError when `msg_signature` does not match.
 */
export function signedEncrypt(token: string, params: EncryptedMessageParams): string {
  const { encrypt, timestamp, nonce, msgSignature } = params;
  // Fields are picked one by one: spreading `params` could let a stray `token` key through.
  const signed = checkMsgSignature({ token, timestamp, nonce, encrypt, msgSignature });
  if (typeof encrypt !== 'string' || !signed) {
    throw new SignatureError('invalid msg_signature');
  }
  return encrypt;
}
