import { type AppCaller, type CallOptions, requireSecret, type WeChatResult } from './core.js';
import { WeChatApiError } from './errors.js';
import type { UserInfoLang } from './user.js';

/**
 * 网页授权的作用域：`snsapi_base` 静默授权，只得到 openid；`snsapi_userinfo` 弹出授权页，可取昵称、头像。
 * The scope of web authorization: `snsapi_base` is silent and yields the openid only;
 * `snsapi_userinfo` asks the user and yields the profile too.
 */
export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

/**
 * 用户的网页授权 access_token，与公众号的 access token 不是一回事：类型上分开，不能混用。
 * A user's web-authorization access token (from `exchangeOAuthCode`). It is not the account's
 * access token, and the brand keeps the two apart: a plain string (such as `getAccessToken()`'s)
 * is not accepted where this is expected. A token you stored yourself: `saved as OAuthAccessToken`.
 */
export type OAuthAccessToken = string & { readonly __brand: 'OAuthAccessToken' };

/** 用户的 refresh_token（30 天有效）。A user's web-authorization refresh token (valid 30 days). */
export type OAuthRefreshToken = string & { readonly __brand: 'OAuthRefreshToken' };

/** Options of `oauthAuthorizeUrl`. */
export interface OAuthAuthorizeUrlOptions {
  /** 授权后跳回的完整地址（域名须是“网页授权域名”）。The absolute URL WeChat sends the user back to. */
  redirectUri: string;
  /** 授权作用域。The scope to ask for. */
  scope: OAuthScope;
  /** 原样带回的参数：字母和数字，最多 128 个。Sent back as is: letters and digits, at most 128. */
  state?: string;
  /** `forcePopup=true`: always show the consent page, even to users who consented before. */
  forcePopup?: boolean;
}

/** A user's web-authorization token, as `exchangeOAuthCode` and `refreshOAuthToken` return it. */
export interface OAuthToken {
  /** The user's openid for this account (also for users who do not follow it). */
  openid: string;
  /** The user's unionid, when the account is bound to an Open Platform account. */
  unionid?: string;
  /** The user's access token: for `getOAuthUserInfo` and `checkOAuthToken` only. */
  accessToken: OAuthAccessToken;
  /** Renews `accessToken` with `refreshOAuthToken` (valid 30 days). */
  refreshToken: OAuthRefreshToken;
  /** Lifetime of `accessToken`, in seconds (7200 today). */
  expiresIn: number;
  /** The scopes granted, as WeChat lists them (comma-separated, e.g. `snsapi_userinfo`). */
  scope: string;
  /**
   * 快照页模式的虚拟账号（用户在朋友圈快照中打开）：openid 是虚拟的，不能取用户信息。A virtual user of
   * the Moments snapshot mode: the openid is not the user's and there is no profile.
   */
  isSnapshotUser: boolean;
}

/** A user's profile, as `getOAuthUserInfo` returns it (WeChat's field names). */
export interface OAuthUserInfo extends WeChatResult {
  openid: string;
  nickname: string;
  /** 0 unknown, 1 male, 2 female (WeChat sends 0 today). */
  sex: number;
  province: string;
  city: string;
  country: string;
  /** Avatar URL; the last path part picks the size (0, 46, 64, 96, 132). Empty when none. */
  headimgurl: string;
  /** Privileges, e.g. `chinaunicom`. */
  privilege: string[];
  unionid?: string;
}

/** What `/sns/oauth2/access_token` and `/sns/oauth2/refresh_token` answer. */
interface OAuthTokenAnswer extends WeChatResult {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  openid: string;
  scope: string;
  unionid?: string;
  is_snapshotuser?: number;
}

const STATE = /^[a-zA-Z0-9]{0,128}$/;

function toToken(answer: OAuthTokenAnswer): OAuthToken {
  const token: OAuthToken = {
    openid: answer.openid,
    accessToken: answer.access_token as OAuthAccessToken,
    refreshToken: answer.refresh_token as OAuthRefreshToken,
    expiresIn: answer.expires_in,
    scope: answer.scope,
    isSnapshotUser: answer.is_snapshotuser === 1,
  };
  if (answer.unionid !== undefined) token.unionid = answer.unionid;
  return token;
}

/**
 * 网页授权（OAuth2）：授权链接、用 code 换用户 token、刷新、校验、取用户信息。这些接口用用户自己的 token，
 * 不用公众号的 access token。
 *
 * Web authorization (网页授权, OAuth2): the authorization URL, the code exchange, refresh, check and
 * the user's profile. These calls carry the user's own token (or the AppSecret), never the
 * account's access token, and are not retried on a rejected token: a user token is renewed with
 * `refreshOAuthToken` or by authorizing again.
 */
export class OAuthApi {
  readonly #api: AppCaller;

  /** @param api - how to reach WeChat and the app's credentials; a `Client` passes its own. */
  constructor(api: AppCaller) {
    this.#api = api;
  }

  /**
   * 生成网页授权链接（`open.weixin.qq.com/connect/oauth2/authorize?…#wechat_redirect`），把用户重定向过去。
   *
   * The URL to send the user to for authorization:
   * `https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…#wechat_redirect`
   * (the base is `openBaseUrl`). WeChat sends the user back to `redirectUri` with `code` and
   * `state` — or with `state` only when the user refused.
   *
   * @throws {TypeError} when `redirectUri` is not an absolute http(s) URL or `state` has other
   *   characters than letters and digits or is longer than 128.
   * @example
   * ```ts
   * ctx.redirect(client.oauthAuthorizeUrl({
   *   redirectUri: 'https://h5.example.com/profile',
   *   scope: 'snsapi_userinfo',
   *   state: 'abc123',
   * }));
   * ```
   */
  oauthAuthorizeUrl(options: OAuthAuthorizeUrlOptions): string {
    const { redirectUri, scope, state = '' } = options;
    if (!/^https?:\/\/[^/]/i.test(redirectUri ?? '')) {
      throw new TypeError(`redirectUri must be an absolute http(s) URL, got ${redirectUri}`);
    }
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
      throw new TypeError(`scope must be snsapi_base or snsapi_userinfo, got ${String(scope)}`);
    }
    if (!STATE.test(state)) {
      throw new TypeError('state must be letters and digits only, at most 128 of them');
    }
    // WeChat wants the parameters in this order, and the fragment.
    const query = [
      `appid=${encodeURIComponent(this.#api.appId)}`,
      `redirect_uri=${encodeURIComponent(redirectUri)}`,
      'response_type=code',
      `scope=${scope}`,
      `state=${state}`,
    ];
    if (options.forcePopup) query.push('forcePopup=true');
    return `${this.#api.openBaseUrl}/connect/oauth2/authorize?${query.join('&')}#wechat_redirect`;
  }

  /**
   * 用授权回调里的 `code` 换取用户的 access_token 和 openid（code 只能用一次，5 分钟过期：40029/40163）。
   *
   * Exchange the `code` WeChat sent back for the user's token and openid.
   * `GET /sns/oauth2/access_token` (with the AppSecret; no account access token). A code works
   * once and for 5 minutes: an expired or unknown one throws `WeChatApiError` 40029, a used one
   * 40163. A client made without an AppSecret (`grantToken` only, e.g. an Open Platform
   * authorizer's) rejects with a `TypeError`.
   *
   * @example
   * ```ts
   * const { openid, accessToken, scope } = await client.exchangeOAuthCode(String(ctx.query.code));
   * ```
   */
  async exchangeOAuthCode(code: string, options?: CallOptions): Promise<OAuthToken> {
    const secret = requireSecret(this.#api, 'exchangeOAuthCode');
    const answer = await this.#api.call<OAuthTokenAnswer>({
      method: 'GET',
      path: '/sns/oauth2/access_token',
      anonymous: true,
      query: {
        appid: this.#api.appId,
        secret,
        code,
        grant_type: 'authorization_code',
      },
      timeout: options?.timeout,
    });
    return toToken(answer);
  }

  /**
   * 用 refresh_token 续期用户的 access_token。
   *
   * Renew a user's access token (a valid one gets a longer life, an expired one is replaced).
   * `GET /sns/oauth2/refresh_token`.
   *
   * @example
   * ```ts
   * const renewed = await client.refreshOAuthToken(token.refreshToken);
   * ```
   */
  async refreshOAuthToken(
    refreshToken: OAuthRefreshToken,
    options?: CallOptions,
  ): Promise<OAuthToken> {
    const answer = await this.#api.call<OAuthTokenAnswer>({
      method: 'GET',
      path: '/sns/oauth2/refresh_token',
      anonymous: true,
      query: {
        appid: this.#api.appId,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      },
      timeout: options?.timeout,
    });
    return toToken(answer);
  }

  /**
   * 校验用户的 access_token 是否仍然有效。
   *
   * Whether a user's access token is still valid for `openid`. `GET /sns/auth`. Resolves `false`
   * when WeChat rejects it (any `errcode`); a network error or timeout still throws.
   *
   * @example
   * ```ts
   * if (!(await client.checkOAuthToken(token.accessToken, token.openid))) {
   *   token = await client.refreshOAuthToken(token.refreshToken);
   * }
   * ```
   */
  async checkOAuthToken(
    accessToken: OAuthAccessToken,
    openid: string,
    options?: CallOptions,
  ): Promise<boolean> {
    try {
      await this.#api.call<WeChatResult>({
        method: 'GET',
        path: '/sns/auth',
        anonymous: true,
        query: { access_token: accessToken, openid },
        timeout: options?.timeout,
      });
      return true;
    } catch (error) {
      if (error instanceof WeChatApiError) return false;
      throw error;
    }
  }

  /**
   * 用用户的 access_token 取用户信息（需 `snsapi_userinfo` 授权）。
   *
   * A user's profile, with the user's token from a `snsapi_userinfo` authorization.
   * `GET /sns/userinfo`.
   *
   * @param lang - language of country, province and city. Default `zh_CN`.
   * @example
   * ```ts
   * const { nickname, headimgurl } = await client.getOAuthUserInfo(token.accessToken, token.openid);
   * ```
   */
  getOAuthUserInfo(
    accessToken: OAuthAccessToken,
    openid: string,
    lang: UserInfoLang = 'zh_CN',
    options?: CallOptions,
  ): Promise<OAuthUserInfo> {
    return this.#api.call<OAuthUserInfo>({
      method: 'GET',
      path: '/sns/userinfo',
      anonymous: true,
      query: { access_token: accessToken, openid, lang },
      timeout: options?.timeout,
    });
  }
}
