import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Safe-mode (AES) helpers written from PROTOCOL.md §2 with `node:crypto` alone, apart from the
 * code under test (`MessageCrypt`), so the tests check the framework against the protocol.
 */

function keyOf(encodingAESKey: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new Error('test helper: the key must decode to 32 bytes');
  return key;
}

/** `random(16) ‖ uint32BE(len) ‖ msg ‖ appId`, PKCS#7 over 32-byte blocks, AES-256-CBC, base64. */
export function aesEncrypt(text: string, encodingAESKey: string, appId: string): string {
  const key = keyOf(encodingAESKey);
  const msg = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const content = Buffer.concat([randomBytes(16), length, msg, Buffer.from(appId, 'utf8')]);
  const pad = 32 - (content.length % 32);
  const plain = Buffer.concat([content, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** The inverse of {@link aesEncrypt}: the message and the AppID found after it. */
export function aesDecrypt(
  encrypted: string,
  encodingAESKey: string,
): { text: string; appId: string } {
  const key = keyOf(encodingAESKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([
    decipher.update(Buffer.from(encrypted, 'base64')),
    decipher.final(),
  ]);
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > 32) throw new Error('test helper: bad padding');
  const content = plain.subarray(0, plain.length - pad);
  const length = content.readUInt32BE(16);
  return {
    text: content.subarray(20, 20 + length).toString('utf8'),
    appId: content.subarray(20 + length).toString('utf8'),
  };
}

/** sha1 of the sorted strings. */
export function sha1Sorted(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

export interface EncryptedRequest {
  /** The query string: signature, timestamp, nonce, openid, encrypt_type=aes, msg_signature. */
  query: string;
  /** The envelope XML. */
  body: string;
  encrypt: string;
}

/**
 * A safe-mode request as WeChat sends it. `compatible` puts the plaintext fields beside
 * `<Encrypt>` (兼容模式); `overrides` replaces query values (e.g. a wrong msg_signature).
 */
export function encryptedRequest(
  xml: string,
  options: {
    token: string;
    encodingAESKey: string;
    appId: string;
    compatible?: boolean;
    encrypt?: string;
    overrides?: Record<string, string>;
    /** The envelope's clear `ToUserName` (default `gh_account`). */
    toUserName?: string;
  },
): EncryptedRequest {
  const encrypt = options.encrypt ?? aesEncrypt(xml, options.encodingAESKey, options.appId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({
    signature: sha1Sorted(options.token, timestamp, nonce),
    timestamp,
    nonce,
    openid: 'user_openid',
    encrypt_type: 'aes',
    msg_signature: sha1Sorted(options.token, timestamp, nonce, encrypt),
    ...options.overrides,
  }).toString();
  const head = options.compatible
    ? xml.replace(/^<xml>|<\/xml>$/g, '')
    : `<ToUserName><![CDATA[${options.toUserName ?? 'gh_account'}]]></ToUserName>`;
  const body = `<xml>${head}<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
  return { query, body, encrypt };
}
