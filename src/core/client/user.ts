import type { ApiCaller, CallOptions, WeChatResult } from './core.js';

/** Language of `getUserInfo`'s country/province/city names. */
export type UserInfoLang = 'zh_CN' | 'zh_TW' | 'en';

/** A user's profile. Fields past `openid` are present only for followers (`subscribe: 1`). */
export interface UserInfo {
  /** 1 when the user follows the account; 0 and nothing else otherwise. */
  subscribe: number;
  openid: string;
  language?: string;
  subscribe_time?: number;
  unionid?: string;
  remark?: string;
  groupid?: number;
  tagid_list?: number[];
  /** `ADD_SCENE_SEARCH`, `ADD_SCENE_QR_CODE`, … */
  subscribe_scene?: string;
  qr_scene?: number;
  qr_scene_str?: string;
  /** No longer sent by WeChat since 2021; kept for old accounts' data. */
  nickname?: string;
  sex?: number;
  city?: string;
  province?: string;
  country?: string;
  headimgurl?: string;
}

/** What `getUserInfo` returns. */
export interface UserInfoResult extends WeChatResult, UserInfo {}

/** What `getUsersInfo` returns. */
export interface UsersInfoResult extends WeChatResult {
  user_info_list: UserInfo[];
}

/** A page of followers. */
export interface FollowersResult extends WeChatResult {
  /** All followers. */
  total: number;
  /** Followers in this page (at most 10 000). */
  count: number;
  data?: { openid: string[] };
  /** Pass to the next call; empty at the end. */
  next_openid: string;
}

/** A user group (retired: groups became tags). */
export interface UserGroup {
  id: number;
  name: string;
  count?: number;
}

/** What `createGroup` returns. */
export interface CreateGroupResult extends WeChatResult {
  group: { id: number; name: string };
}

/** What `getGroups` returns. */
export interface GetGroupsResult extends WeChatResult {
  groups: UserGroup[];
}

/** What `getGroupById` returns. */
export interface GetGroupByIdResult extends WeChatResult {
  groupid: number;
}

/** User management: groups (retired), remarks, profiles, followers. */
export class UserApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /** @deprecated WeChat retired groups; use `createTag`. `POST /cgi-bin/groups/create`. */
  createGroup(name: string, options?: CallOptions): Promise<CreateGroupResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/create',
      body: { group: { name } },
      ...options,
    });
  }

  /** @deprecated WeChat retired groups; use `getTags`. `GET /cgi-bin/groups/get`. */
  getGroups(options?: CallOptions): Promise<GetGroupsResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/groups/get', ...options });
  }

  /**
   * @deprecated WeChat retired groups; use `getTagsByUser`.
   * `POST /cgi-bin/groups/getid`.
   */
  getGroupById(openid: string, options?: CallOptions): Promise<GetGroupByIdResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/getid',
      body: { openid },
      ...options,
    });
  }

  /** @deprecated WeChat retired groups; use `updateTag`. `POST /cgi-bin/groups/update`. */
  updateGroup(groupId: number, name: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/update',
      body: { group: { id: Number(groupId), name } },
      ...options,
    });
  }

  /**
   * @deprecated WeChat retired groups; use `tagUsers`.
   * `POST /cgi-bin/groups/members/update`.
   */
  moveUser(userId: string, groupId: number, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/members/update',
      body: { openid: userId, to_groupid: groupId },
      ...options,
    });
  }

  /**
   * @deprecated WeChat retired groups; use `tagUsers`.
   * `POST /cgi-bin/groups/members/batchupdate` (50 users at most).
   */
  moveUsers(userIdList: string[], groupId: number, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/members/batchupdate',
      body: { openid_list: userIdList, to_groupid: groupId },
      ...options,
    });
  }

  /** @deprecated WeChat retired groups; use `deleteTag`. `POST /cgi-bin/groups/delete`. */
  deleteGroup(groupId: number, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/groups/delete',
      body: { group: { id: groupId } },
      ...options,
    });
  }

  /** Set a follower's remark name (under 30 characters). `POST /cgi-bin/user/info/updateremark`. */
  remarkUser(userId: string, remark: string, options?: CallOptions): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/user/info/updateremark',
      body: { openid: userId, remark },
      ...options,
    });
  }

  /** A user's profile. `GET /cgi-bin/user/info?openid=…&lang=…`. */
  getUserInfo(
    userId: string,
    lang: UserInfoLang = 'zh_CN',
    options?: CallOptions,
  ): Promise<UserInfoResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/user/info',
      query: { openid: userId, lang },
      ...options,
    });
  }

  /** Profiles of up to 100 users. `POST /cgi-bin/user/info/batchget`. */
  getUsersInfo(
    userIdList: string[],
    lang: UserInfoLang = 'zh_CN',
    options?: CallOptions,
  ): Promise<UsersInfoResult> {
    return this.#api.call({
      method: 'POST',
      path: '/cgi-bin/user/info/batchget',
      body: { user_list: userIdList.map((openid) => ({ openid, lang })) },
      ...options,
    });
  }

  /**
   * A page of up to 10 000 followers. `GET /cgi-bin/user/get?next_openid=…`.
   * @param firstUserId - the `next_openid` of the previous page; omit for the first page.
   */
  getFollowers(firstUserId?: string, options?: CallOptions): Promise<FollowersResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/user/get',
      query: { next_openid: firstUserId || undefined },
      ...options,
    });
  }
}
