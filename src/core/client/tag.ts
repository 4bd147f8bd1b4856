import type { ApiCaller, CallOptions, WeChatResult } from './core.js';

/** A user tag. */
export interface UserTag {
  id: number;
  name: string;
  /** Users carrying the tag. */
  count?: number;
}

/** What `createTag` returns. */
export interface CreateTagResult extends WeChatResult {
  tag: { id: number; name: string };
}

/** What `getTags` returns. */
export interface GetTagsResult extends WeChatResult {
  tags: UserTag[];
}

/** What `getUsersByTag` returns. */
export interface UsersByTagResult extends WeChatResult {
  count: number;
  data?: { openid: string[] };
  next_openid: string;
}

/** What `getTagsByUser` returns. */
export interface TagsByUserResult extends WeChatResult {
  tagid_list: number[];
}

/** User tags, which replaced groups. */
export class TagApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /** Create a tag (30 characters at most). `POST /cgi-bin/tags/create`. */
  createTag(tagName: string, options?: CallOptions): Promise<CreateTagResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/create',
      body: { tag: { name: tagName } },
      ...options,
    });
  }

  /** All tags. `GET /cgi-bin/tags/get`. */
  getTags(options?: CallOptions): Promise<GetTagsResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/tags/get', ...options });
  }

  /** Rename a tag. `POST /cgi-bin/tags/update`. */
  updateTag(tagId: number, tagName: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/update',
      body: { tag: { id: tagId, name: tagName } },
      ...options,
    });
  }

  /** Delete a tag. `POST /cgi-bin/tags/delete`. */
  deleteTag(tagId: number, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/delete',
      body: { tag: { id: tagId } },
      ...options,
    });
  }

  /**
   * A page of the tag's followers. `POST /cgi-bin/user/tag/get`.
   * @param nextOpenId - the `next_openid` of the previous page; empty for the first.
   */
  getUsersByTag(tagId: number, nextOpenId = '', options?: CallOptions): Promise<UsersByTagResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/user/tag/get',
      body: { tagid: tagId, next_openid: nextOpenId },
      ...options,
    });
  }

  /** Tag up to 50 users. `POST /cgi-bin/tags/members/batchtagging`. */
  tagUsers(tagId: number, openIdList: string[], options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/members/batchtagging',
      body: { openid_list: openIdList, tagid: tagId },
      ...options,
    });
  }

  /** Untag up to 50 users. `POST /cgi-bin/tags/members/batchuntagging`. */
  untagUsers(tagId: number, openIdList: string[], options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/members/batchuntagging',
      body: { openid_list: openIdList, tagid: tagId },
      ...options,
    });
  }

  /** The tags a user carries. `POST /cgi-bin/tags/getidlist`. */
  getTagsByUser(openId: string, options?: CallOptions): Promise<TagsByUserResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/tags/getidlist',
      body: { openid: openId },
      ...options,
    });
  }
}
