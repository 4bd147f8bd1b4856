import { hash } from 'node:crypto';
import type { AppCaller, CallOptions } from './core.js';
import { within } from './within.js';

/** Options of `jssdkConfig`. */
export interface JssdkConfigRequest {
  /** 当前网页的完整 URL（`location.href`），`#` 之后的部分会被去掉。The page's full URL; the `#fragment` is dropped. */
  url: string;
  /** JS APIs the page uses, e.g. `['updateAppMessageShareData', 'chooseImage']`. */
  jsApiList: string[];
  /** Open tags the page uses, e.g. `['wx-open-launch-weapp']`. Default none. */
  openTagList?: string[];
  /** `wx.config`'s debug mode (alerts every call's result). Default `false`. */
  debug?: boolean;
}

/** 传给 `wx.config` 的对象。The object `wx.config` takes, signed for one page URL. */
export interface JssdkConfig {
  /** Debug mode, as requested. */
  debug: boolean;
  /** The account's AppID. */
  appId: string;
  /** Seconds since the epoch, as signed. */
  timestamp: number;
  /** 16 random letters and digits, as signed. */
  nonceStr: string;
  /** SHA-1 hex of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`. */
  signature: string;
  /** The JS APIs, as requested. */
  jsApiList: string[];
  /** The open tags, as requested (`[]` when none). */
  openTagList: string[];
}

/** What {@link jssdkSignature} signs. */
export interface JssdkSignatureInput {
  /** The `jsapi_ticket`. */
  ticket: string;
  /** The random string signed (`noncestr`). */
  nonceStr: string;
  /** Seconds since the epoch. */
  timestamp: number | string;
  /** The page URL; anything from `#` on is dropped. */
  url: string;
}

/** Options of `cardExt`. */
export interface CardExtRequest {
  /** The card's id (`card_id`). */
  cardId: string;
  /** The card's code (cards created with `use_custom_code`). */
  code?: string;
  /** Only this user may take the card (cards created with `bind_openid`). */
  openid?: string;
  /** The balance of a red-packet card (signed too). */
  balance?: number;
  /** When the card starts to be valid, in seconds since the epoch (not signed). */
  fixedBeginTimestamp?: number;
  /** Channel value sent back in the card events (not signed). */
  outerStr?: string;
}

/** 卡券扩展字段 cardExt（`JSON.stringify` 后交给 `wx.addCard`）。A card's `cardExt`, for `wx.addCard`. */
export interface CardExt {
  /** The card's code, when given. */
  code?: string;
  /** The only user who may take it, when given. */
  openid?: string;
  /** A red-packet card's balance, when given. */
  balance?: number;
  /** Seconds since the epoch, as signed. */
  timestamp: string;
  /** 16 random letters and digits, as signed. */
  nonce_str: string;
  /** SHA-1 hex of the sorted, concatenated values (api_ticket, timestamp, card_id, code, openid, nonce_str, balance). */
  signature: string;
  /** When the card starts to be valid, when given. */
  fixed_begintimestamp?: number;
  /** The channel value, when given. */
  outer_str?: string;
}

const sha1 = (text: string): string => hash('sha1', text, 'hex');

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 16 random letters and digits (drawn when called: Workers forbid randomness at load time). */
function nonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

const seconds = (): number => Math.floor(Date.now() / 1000);

/** `url` without its `#fragment`, as WeChat signs it. */
function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * JS-SDK 签名：`jsapi_ticket`、`noncestr`、`timestamp`、`url` 按此顺序拼成 `k=v&…` 后取 SHA-1。
 *
 * The JS-SDK signature: SHA-1 (hex) of `jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, the URL as
 * the page sees it (not re-encoded) without its `#fragment`.
 *
 * @example
 * ```ts
 * jssdkSignature({
 *   ticket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
 *   nonceStr: 'Wm3WZYTPz0wzccnW',
 *   timestamp: 1414587457,
 *   url: 'http://mp.weixin.qq.com?params=value',
 * }); // '0f9de62fce790f9a083d5c99e95740ceb90c27ed'
 * ```
 */
export function jssdkSignature(input: JssdkSignatureInput): string {
  const url = withoutFragment(input.url);
  return sha1(
    `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${input.timestamp}&url=${url}`,
  );
}

/**
 * 卡券签名：把参与签名的值按字典序排序后直接拼接，取 SHA-1。
 *
 * The card signature (卡券签名): the values (`undefined` left out) sorted as strings, joined with
 * nothing between them, SHA-1 hex.
 *
 * @example
 * ```ts
 * cardSignature([apiTicket, timestamp, cardId, code, openid, nonceStr]);
 * ```
 */
export function cardSignature(values: readonly (string | number | undefined)[]): string {
  const strings = values.filter((v) => v !== undefined).map(String);
  return sha1(strings.sort().join(''));
}

/** JS-SDK（`wx.config` 的签名）与卡券扩展字段。The JS-SDK's `wx.config` and the cards' `cardExt`. */
export class JssdkApi {
  readonly #api: AppCaller;

  /** @param api - how to reach WeChat and the app's tickets; a `Client` passes its own. */
  constructor(api: AppCaller) {
    this.#api = api;
  }

  /**
   * 为一个页面 URL 生成 `wx.config` 需要的对象（appId、timestamp、nonceStr、signature 等），ticket 自动缓存。
   *
   * The object `wx.config` takes for the page at `url`: appId, timestamp, nonceStr, signature (over
   * the cached `jsapi_ticket`), jsApiList, openTagList, debug. Sign the page's own URL
   * (`location.href`), as the browser shows it; the `#fragment` is dropped. `options.timeout`
   * bounds the wait for the ticket.
   *
   * @example
   * ```ts
   * router.get('/jssdk-config', async (ctx) => {
   *   ctx.body = await client.jssdkConfig({
   *     url: String(ctx.query.url),
   *     jsApiList: ['updateAppMessageShareData', 'chooseImage'],
   *   });
   * });
   * // in the page: wx.config(await (await fetch('/jssdk-config?url=' + encodeURIComponent(location.href))).json())
   * ```
   */
  async jssdkConfig(request: JssdkConfigRequest, options?: CallOptions): Promise<JssdkConfig> {
    if (typeof request?.url !== 'string' || request.url === '') {
      throw new TypeError('jssdkConfig needs the page url');
    }
    const ticket = await this.#ticket('jsapi', options);
    const timestamp = seconds();
    const nonceStr = nonce();
    return {
      debug: request.debug ?? false,
      appId: this.#api.appId,
      timestamp,
      nonceStr,
      signature: jssdkSignature({ ticket, nonceStr, timestamp, url: request.url }),
      jsApiList: [...request.jsApiList],
      openTagList: [...(request.openTagList ?? [])],
    };
  }

  /**
   * 生成卡券扩展字段 cardExt（用卡券 api_ticket 签名），`JSON.stringify` 后交给 `wx.addCard`。
   *
   * A card's `cardExt` for `wx.addCard`, signed with the cached card `api_ticket` (`wx_card`):
   * pass `JSON.stringify(ext)` as `cardExt`.
   *
   * @example
   * ```ts
   * const ext = await client.cardExt({ cardId: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc', openid });
   * // in the page: wx.addCard({ cardList: [{ cardId, cardExt: JSON.stringify(ext) }] })
   * ```
   */
  async cardExt(request: CardExtRequest, options?: CallOptions): Promise<CardExt> {
    const apiTicket = await this.#ticket('wx_card', options);
    const timestamp = String(seconds());
    const nonceStr = nonce();
    const { cardId, code, openid, balance } = request;
    const ext: CardExt = {
      timestamp,
      nonce_str: nonceStr,
      signature: cardSignature([apiTicket, timestamp, cardId, code, openid, nonceStr, balance]),
    };
    if (code !== undefined) ext.code = code;
    if (openid !== undefined) ext.openid = openid;
    if (balance !== undefined) ext.balance = balance;
    if (request.fixedBeginTimestamp !== undefined) {
      ext.fixed_begintimestamp = request.fixedBeginTimestamp;
    }
    if (request.outerStr !== undefined) ext.outer_str = request.outerStr;
    return ext;
  }

  #ticket(type: 'jsapi' | 'wx_card', options: CallOptions | undefined): Promise<string> {
    const ticket = this.#api.ticket(type);
    return options?.timeout === undefined
      ? ticket
      : within(ticket, options.timeout, '/cgi-bin/ticket/getticket');
  }
}
