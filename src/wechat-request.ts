// How WeChat signs (and in safe mode encrypts) its requests: used by the robot to run itself
// in memory and by the test client; exported from `zgrobot/testing`.
import { randomInt } from 'node:crypto';
import { encodingAESKeys } from './core/crypto/key-ring.js';
import { MessageCrypt } from './core/crypto/message-crypt.js';
import { computeSignature } from './core/crypto/signature.js';
import { WechatError } from './core/errors.js';
import { parseXml } from './core/messages/xml.js';
import { cdata } from './core/replies/xml.js';

/** The account settings a request is signed (and maybe encrypted) with. */
export interface WechatCredentials {
  /** The token set in the WeChat admin console. */
  token: string;
  /** The 43-character EncodingAESKey; when set, messages go encrypted (safe mode). */
  encodingAESKey?: string;
  /** The AppID; required with `encodingAESKey`. */
  appId?: string;
  /**
   * How messages travel when a key is set: `'safe'` (only `<Encrypt>`, the default) or
   * `'compatible'` (the plaintext fields beside `<Encrypt>`). Without a key: plaintext.
   */
  mode?: 'safe' | 'compatible';
}

/** Fixed values for a request's signature; random/now when left out (for reproducible tests). */
export interface SigningOptions {
  timestamp?: string;
  nonce?: string;
}

/** An HTTP request exactly as WeChat would send it; `query` goes after the bot's path. */
export interface WechatRequest {
  method: 'GET' | 'POST';
  query: URLSearchParams;
  headers: Record<string, string>;
  /** The body as sent (the encrypted envelope in safe mode); absent for GET. */
  body?: string;
  /** Whether the message went encrypted, so the reply must come encrypted. */
  encrypted: boolean;
  /** The message XML before encryption. */
  xml?: string;
}

/**
 * The query WeChat signs every request with: `timestamp`, `nonce` and
 * `signature = sha1(sort([token, timestamp, nonce]).join(''))`.
 *
 * @example
 * ```ts
 * const query = signedQuery('tokenhere'); // URLSearchParams { signature, timestamp, nonce }
 * ```
 */
export function signedQuery(token: string, options: SigningOptions = {}): URLSearchParams {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomInt(1_000_000_000, 10_000_000_000));
  const signature = computeSignature(token, timestamp, nonce);
  return new URLSearchParams({ signature, timestamp, nonce });
}

/**
 * The URL check WeChat makes when the admin saves the server address: a signed GET with
 * `echostr`, which the bot must echo.
 *
 * @example
 * ```ts
 * const request = buildVerifyRequest('tokenhere', 'hello-echo');
 * await fetch(`${url}?${request.query}`);
 * ```
 */
export function buildVerifyRequest(
  token: string,
  echostr: string,
  options: SigningOptions = {},
): WechatRequest {
  const query = signedQuery(token, options);
  query.set('echostr', echostr);
  return { method: 'GET', query, headers: {}, encrypted: false };
}

/**
 * The crypt for these credentials, or `undefined` in plaintext mode.
 *
 * @throws {WechatError} when a key is given without an AppID.
 * @example
 * ```ts
 * const crypt = cryptFor({ token, encodingAESKey, appId }); // MessageCrypt
 * cryptFor({ token }); // undefined
 * ```
 */
export function cryptFor(credentials: WechatCredentials): MessageCrypt | undefined {
  if (!credentials.encodingAESKey) return undefined;
  if (!credentials.appId) {
    throw new WechatError('an AppID is needed to encrypt messages (set appId with the AES key)');
  }
  // A rotation's list (`new,old`): WeChat sends with the newest key.
  const [newest = ''] = encodingAESKeys(credentials.encodingAESKey) ?? [];
  return new MessageCrypt({
    token: credentials.token,
    encodingAESKey: newest,
    appId: credentials.appId,
  });
}

/** Options of {@link buildMessageRequest}. */
export interface MessageRequestOptions extends SigningOptions {
  /** The `openid` query parameter (the sender); default: the XML's `FromUserName`. */
  openid?: string;
  /** The crypt, when already built (else built from the credentials). */
  crypt?: MessageCrypt;
}

/**
 * The POST WeChat sends for a message: signed query with `openid`, and in safe mode
 * `encrypt_type=aes` and `msg_signature` over the `<Encrypt>` envelope.
 *
 * @example
 * ```ts
 * const xml = buildMessageXml('text', { content: '你好' });
 * const request = buildMessageRequest({ token, encodingAESKey, appId }, xml);
 * await fetch(`${url}?${request.query}`, { method: 'POST', headers: request.headers, body: request.body });
 * ```
 */
export function buildMessageRequest(
  credentials: WechatCredentials,
  xml: string,
  options: MessageRequestOptions = {},
): WechatRequest {
  const query = signedQuery(credentials.token, options);
  const crypt = options.crypt ?? cryptFor(credentials);
  const safe = crypt !== undefined && credentials.mode !== 'compatible';
  // Reading the XML is most of the cost (the bench builds every request with this): only when the
  // `openid` or the safe-mode envelope's `ToUserName` has to come from it.
  const message = options.openid === undefined || safe ? parseXml(xml) : {};
  const from = message.FromUserName;
  const openid = options.openid ?? (typeof from === 'string' ? from : undefined);
  if (openid !== undefined) query.set('openid', openid);
  const headers = { 'content-type': 'text/xml; charset=utf-8' };
  if (!crypt) return { method: 'POST', query, headers, body: xml, encrypted: false, xml };

  const encrypt = crypt.encrypt(xml);
  const timestamp = query.get('timestamp') ?? '';
  const nonce = query.get('nonce') ?? '';
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', computeSignature(credentials.token, timestamp, nonce, encrypt));
  const encryptElement = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
  const to = typeof message.ToUserName === 'string' ? message.ToUserName : '';
  const body = safe
    ? `<xml><ToUserName>${cdata(to)}</ToUserName>${encryptElement}</xml>`
    : xml.replace(/<\/xml>\s*$/, `${encryptElement}</xml>`);
  return { method: 'POST', query, headers, body, encrypted: true, xml };
}

/**
 * `url` with the request's query appended (after any query the URL already has).
 *
 * @example
 * ```ts
 * requestUrl('http://127.0.0.1:8888/wechat', request); // 'http://…/wechat?signature=…'
 * ```
 */
export function requestUrl(url: string, request: WechatRequest): string {
  const target = new URL(url);
  for (const [name, value] of request.query) target.searchParams.set(name, value);
  return target.toString();
}
