import type { ApiCaller, CallOptions, WeChatResult } from './core.js';

/** What `getBlacklist` returns. */
export interface BlacklistResult extends WeChatResult {
  /** 黑名单总人数。How many users are blocked. */
  total: number;
  /** 本次返回的人数（最多 10000）。How many this page has (10 000 at most). */
  count: number;
  /** 本页的 OpenID；没有时 WeChat 不给 `data`。This page's OpenIDs; absent when none. */
  data?: { openid: string[] };
  /** 下一页的起点；空串表示没有更多。Where the next page begins; `''` at the end. */
  next_openid: string;
}

/** 用户黑名单。The account's blacklist of users. */
export class BlacklistApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * 获取黑名单，每次最多 10000 个 OpenID。`POST /cgi-bin/tags/members/getblacklist`。
   *
   * The blocked users, 10 000 at a time; pass the `next_openid` of one page to get the next.
   *
   * @example
   * ```ts
   * let next = '';
   * do {
   *   const page = await client.getBlacklist(next);
   *   console.log(page.data?.openid ?? []);
   *   next = page.next_openid;
   * } while (next);
   * ```
   */
  getBlacklist(beginOpenid = '', options?: CallOptions): Promise<BlacklistResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/members/getblacklist',
      body: { begin_openid: beginOpenid },
      ...options,
    });
  }

  /**
   * 拉黑用户，一次最多 20 个。`POST /cgi-bin/tags/members/batchblacklist`。
   *
   * Block users (20 at most per call).
   *
   * @example
   * ```ts
   * await client.batchBlacklistUsers([openId1, openId2]);
   * ```
   */
  batchBlacklistUsers(openids: readonly string[], options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/members/batchblacklist',
      body: { openid_list: [...openids] },
      ...options,
    });
  }

  /**
   * 取消拉黑，一次最多 20 个。`POST /cgi-bin/tags/members/batchunblacklist`。
   *
   * Unblock users (20 at most per call).
   *
   * @example
   * ```ts
   * await client.batchUnblacklistUsers([openId1]);
   * ```
   */
  batchUnblacklistUsers(openids: readonly string[], options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/members/batchunblacklist',
      body: { openid_list: [...openids] },
      ...options,
    });
  }
}
