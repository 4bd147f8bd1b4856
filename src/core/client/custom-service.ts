import type { ApiCaller, CallOptions, WeChatResult } from './core.js';
import type { MediaInput, MediaUploadOptions } from './media.js';

/** A customer-service (客服) account as listed by WeChat. */
export interface KfAccount {
  /** `name@gh_xxx`. */
  kf_account: string;
  kf_nick: string;
  kf_id: string;
  kf_headimgurl?: string;
  kf_wx?: string;
  invite_wx?: string;
  invite_expire_time?: number;
  invite_status?: string;
}

/** What `getCustomServiceAccountList` returns. */
export interface KfListResult extends WeChatResult {
  kf_list: KfAccount[];
}

/** An online customer-service account. */
export interface OnlineKfAccount {
  kf_account: string;
  /** 1 web, 2 or 3 mobile. */
  status: number;
  kf_id: string;
  /** Sessions the account is serving now. */
  accepted_case: number;
}

/** What `getOnlineCustomServiceAccountList` returns. */
export interface OnlineKfListResult extends WeChatResult {
  kf_online_list: OnlineKfAccount[];
}

/** Customer-service account APIs. */
export class CustomServiceApi {
  readonly #api: ApiCaller;

  /** @param api - how to reach WeChat; a `Client` passes its own. */
  constructor(api: ApiCaller) {
    this.#api = api;
  }

  /**
   * Add a customer-service account. `POST /customservice/kfaccount/add`.
   * @param account - `name@gh_xxx`.
   * @param password - optional, for the legacy API (sent as given).
   */
  addCustomServiceAccount(
    account: string,
    nickname: string,
    password?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/customservice/kfaccount/add',
      body: { kf_account: account, nickname, password },
      ...options,
    });
  }

  /** Change an account's nickname (and legacy password). `POST /customservice/kfaccount/update`. */
  updateCustomServiceAccount(
    account: string,
    nickname: string,
    password?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/customservice/kfaccount/update',
      body: { kf_account: account, nickname, password },
      ...options,
    });
  }

  /**
   * Delete a customer-service account. `POST /customservice/kfaccount/del` with `{kf_account}`.
   * `nickname` and `password` of WeRoBot's signature are accepted for compatibility and unused:
   * WeChat needs only the account.
   */
  deleteCustomServiceAccount(
    account: string,
    _nickname?: string,
    _password?: string,
    options?: CallOptions,
  ): Promise<WeChatResult> {
    return this.#api.call({
      method: 'POST',
      path: '/customservice/kfaccount/del',
      body: { kf_account: account },
      ...options,
    });
  }

  /**
   * Set an account's avatar (a JPG, 640×640 recommended).
   * `POST /customservice/kfaccount/uploadheadimg?kf_account=…`, multipart field `media`.
   */
  uploadCustomServiceAccountAvatar(
    account: string,
    avatar: MediaInput,
    options?: CallOptions & MediaUploadOptions,
  ): Promise<WeChatResult> {
    return this.#api.upload(
      '/customservice/kfaccount/uploadheadimg',
      avatar,
      { kf_account: account },
      options,
    );
  }

  /** All customer-service accounts. `GET /cgi-bin/customservice/getkflist`. */
  getCustomServiceAccountList(options?: CallOptions): Promise<KfListResult> {
    return this.#api.call({ method: 'GET', path: '/cgi-bin/customservice/getkflist', ...options });
  }

  /** Accounts online now. `GET /cgi-bin/customservice/getonlinekflist`. */
  getOnlineCustomServiceAccountList(options?: CallOptions): Promise<OnlineKfListResult> {
    return this.#api.call({
      method: 'GET',
      path: '/cgi-bin/customservice/getonlinekflist',
      ...options,
    });
  }
}
