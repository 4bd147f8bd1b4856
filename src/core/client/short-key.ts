import type { ApiCaller, CallOptions, WeChatResult } from './core.js';

/** What `generateShortKey` returns. */
export interface ShortKeyResult extends WeChatResult {
  /** 短 key，15 个字符。The short key (15 characters). */
  short_key: string;
}

/** What `fetchShortKey` returns. */
export interface ShortKeyDataResult extends WeChatResult {
  /** 生成时的长信息。The data the key stands for. */
  long_data: string;
  /** 创建时间（UNIX 秒）。When the key was made, in UNIX seconds. */
  create_time: number;
  /** 剩余有效秒数。Seconds the key has left. */
  expire_seconds: number;
}

/** 短 key 托管：把长信息换成短 key（如放进二维码场景值）。Short keys for long data. */
export class ShortKeyApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * 生成短 key。`POST /cgi-bin/shorten/gen`。
   *
   * Store up to 4 KB of data with WeChat and get a short key for it, valid `expireSeconds`
   * (WeChat's default and maximum: 30 days).
   *
   * @example
   * ```ts
   * const { short_key } = await client.generateShortKey(JSON.stringify({ order: 42 }), 86_400);
   * ```
   */
  generateShortKey(
    longData: string,
    expireSeconds?: number,
    options?: CallOptions,
  ): Promise<ShortKeyResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/shorten/gen',
      body: { long_data: longData, expire_seconds: expireSeconds },
      ...options,
    });
  }

  /**
   * 用短 key 取回长信息。`POST /cgi-bin/shorten/fetch`。
   *
   * The data a short key stands for.
   *
   * @example
   * ```ts
   * const { long_data } = await client.fetchShortKey('iTLXYIVhyOJgbLQ');
   * ```
   */
  fetchShortKey(shortKey: string, options?: CallOptions): Promise<ShortKeyDataResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/shorten/fetch',
      body: { short_key: shortKey },
      ...options,
    });
  }
}
