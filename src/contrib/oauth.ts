/**
 * 网页授权中间件：给微信内打开的 H5 页面用。Web authorization (网页授权) for H5 pages opened in
 * WeChat, as a Koa middleware.
 *
 * @module
 */
import type { Middleware, ParameterizedContext } from 'koa';
import { WeChatApiError } from '../core/client/errors.js';
import type {
  OAuthAccessToken,
  OAuthAuthorizeUrlOptions,
  OAuthScope,
  OAuthToken,
  OAuthUserInfo,
} from '../core/client/oauth.js';
import type { UserInfoLang } from '../core/client/user.js';
import { MemoryNonceStore, type NonceStore } from '../core/security/nonce-store.js';
import {
  defaultOAuthPage,
  FAILURE_STATUS,
  type OAuthFailure,
  type OAuthFailureReason,
} from './oauth/page.js';
import { openCookie, openState, randomId, sealCookie, sealState } from './oauth/seal.js';

export type { WeChatResult } from '../core/client/core.js';
export type {
  OAuthAccessToken,
  OAuthAuthorizeUrlOptions,
  OAuthRefreshToken,
  OAuthScope,
  OAuthToken,
  OAuthUserInfo,
} from '../core/client/oauth.js';
export type { UserInfoLang } from '../core/client/user.js';
export type { NonceStore } from '../core/security/nonce-store.js';
export type { OAuthFailure, OAuthFailureReason } from './oauth/page.js';

/** 经网页授权得到的用户，放在 `ctx.state.wechatUser`。The user, as the middleware puts it on `ctx.state.wechatUser`. */
export interface WeChatUser {
  /** The user's openid for this account. */
  openid: string;
  /** The unionid, when WeChat gave one (`snsapi_userinfo`, account bound to an Open Platform account). */
  unionid?: string;
  /** The scope the user granted. */
  scope: OAuthScope;
  /**
   * 快照页模式的虚拟用户：没有用户信息，也不会记住（每次都重新授权）。A Moments snapshot-mode visitor:
   * a virtual openid, no profile, and not remembered.
   */
  isSnapshotUser: boolean;
  /** 用户信息（`snsapi_userinfo`）。The profile, with `snsapi_userinfo` (not for snapshot visitors). */
  userInfo?: Omit<OAuthUserInfo, 'errcode' | 'errmsg'>;
}

/** What the middleware adds to `ctx.state`. */
export interface OAuthState {
  /** The signed-in user. */
  wechatUser: WeChatUser;
}

/** What the middleware uses of a `Client` (which has all of it). */
export interface OAuthClient {
  /** The account's AppID. */
  readonly appId: string;
  /** See `Client.oauthAuthorizeUrl`. */
  oauthAuthorizeUrl(options: OAuthAuthorizeUrlOptions): string;
  /** See `Client.exchangeOAuthCode`. */
  exchangeOAuthCode(code: string): Promise<OAuthToken>;
  /** See `Client.getOAuthUserInfo`. */
  getOAuthUserInfo(
    accessToken: OAuthAccessToken,
    openid: string,
    lang?: UserInfoLang,
  ): Promise<OAuthUserInfo>;
}

/** The cookie that remembers the user. */
export interface OAuthCookieOptions {
  /** Default `zgrobot_wechat_user`; the browser-binding cookie is `<name>_bind`. */
  name?: string;
  /** How long the user is remembered, in ms. Default 7 days. */
  maxAge?: number;
  /** Default `/`. */
  path?: string;
  /** The cookie's domain. Default: the request's host only. */
  domain?: string;
  /** Default: `true` on HTTPS requests (see Koa's `app.proxy` behind a proxy). */
  secure?: boolean;
  /** Default `lax`. */
  sameSite?: 'lax' | 'strict' | 'none';
}

/** Options of {@link oauth}. */
export interface OAuthOptions {
  /** The client of the account (its `openBaseUrl` is where users are sent). */
  client: OAuthClient;
  /** `snsapi_base` (silent, openid only) or `snsapi_userinfo` (asks the user, gives the profile). */
  scope: OAuthScope;
  /**
   * 签名 state 和 cookie 的密钥：至少 16 字节的随机值，所有实例相同。Key of the HMAC that signs the state
   * and the cookie: at least 16 random bytes, the same on every instance (`openssl rand -hex 32`).
   */
  secret: string | Uint8Array;
  /** How long a user may take to authorize, in ms: the state's lifetime. Default 10 minutes. */
  stateTtl?: number;
  /**
   * 记住用过的 state 的地方（防重放）。Where used states are remembered for their lifetime, so each works
   * once. Default: this process's memory; share a `RedisNonceStore` between instances.
   */
  stateStore?: NonceStore;
  /** The cookie that remembers the user (name, lifetime, attributes). */
  cookie?: OAuthCookieOptions;
  /** Language of the profile's place names (`snsapi_userinfo`). Default `zh_CN`. */
  lang?: UserInfoLang;
  /**
   * The site's public origin, e.g. `https://h5.example.com`, for the `redirect_uri`. Default: the
   * request's protocol and host (`ctx.protocol`, `ctx.host`; set `app.proxy` behind a reverse
   * proxy so they come from `X-Forwarded-Proto`/`X-Forwarded-Host`).
   */
  origin?: string;
  /** Called once per authorization with the user and their token (store the token here if you need it). */
  onAuthorized?: (
    user: WeChatUser,
    token: OAuthToken,
    ctx: ParameterizedContext<OAuthState>,
  ) => void | Promise<void>;
  /** The HTML page of a failure (denied, bad state, bad code). Default: a short bilingual page. */
  page?: (failure: OAuthFailure) => string;
}

/** The user cookie's content. */
interface Remembered {
  v: 1;
  a: string;
  e: number;
  o: string;
  u?: string;
  s: OAuthScope;
  i?: WeChatUser['userInfo'];
}

const DAY = 86_400_000;

/** Whether a user who granted `granted` may see a page that needs `needed`. */
const covers = (granted: OAuthScope, needed: OAuthScope): boolean =>
  granted === 'snsapi_userinfo' || needed === 'snsapi_base';

/** The path and query without `code` and `state`, keeping the other parameters as sent. */
function cleanUrl(path: string, querystring: string): string {
  const kept = querystring.split('&').filter((pair) => {
    if (pair === '') return false;
    const key = pair.split('=', 1)[0] ?? '';
    let name = key;
    try {
      name = decodeURIComponent(key.replace(/\+/g, ' '));
    } catch {
      // keep a malformed key as it is
    }
    return name !== 'code' && name !== 'state';
  });
  return kept.length > 0 ? `${path}?${kept.join('&')}` : path;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

/**
 * 网页授权中间件：没有登录的用户被 302 到微信授权页（state 经 HMAC 签名、有期限、只能用一次、绑定本浏览器）；
 * 带 code 回来时换取用户身份，用签名 cookie 记住，再跳回去掉 code/state 的原地址；之后的请求在
 * `ctx.state.wechatUser` 上拿到用户。用户拒绝授权、state 伪造/重放/过期、code 失效（40029/40163）都得到
 * 一个说明页面（403/400），而不是 500。
 *
 * Koa middleware for H5 pages opened in WeChat. A visitor it does not know is sent (302) to
 * WeChat's authorization page with a `state` that is HMAC-signed, expires after `stateTtl`, works
 * once (`stateStore`) and only in the browser it was issued to (a binding cookie), so a forged,
 * replayed or planted state is refused with 403. When WeChat sends the user back with a `code`,
 * the middleware exchanges it, fetches the profile (`snsapi_userinfo`), remembers the user in a
 * signed cookie and redirects to the same URL without `code` and `state` (a shared link then
 * carries no code). Later requests find the user on `ctx.state.wechatUser` without going to
 * WeChat. A refusal (no `code`), an expired or used code (40029/40163) and a bad state get a
 * short HTML page with a link to start over, not a 500. The query parameters `code` and `state`
 * are the middleware's on the pages it guards.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import { Client } from 'zgrobot';
 * import { oauth } from 'zgrobot/contrib/oauth';
 *
 * const client = new Client({ appId: 'wx…', appSecret: '…' });
 * const app = new Koa()
 *   .use(oauth({ client, scope: 'snsapi_userinfo', secret: process.env.OAUTH_SECRET! }))
 *   .use((ctx) => {
 *     const { openid, userInfo } = ctx.state.wechatUser;
 *     ctx.body = `你好，${userInfo?.nickname ?? openid}`;
 *   });
 * app.listen(8080);
 * ```
 */
export function oauth(options: OAuthOptions): Middleware<OAuthState> {
  const { client, scope } = options;
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
    throw new TypeError(
      `oauth: scope must be snsapi_base or snsapi_userinfo, got ${String(scope)}`,
    );
  }
  const secret =
    typeof options.secret === 'string' ? Buffer.from(options.secret, 'utf8') : options.secret;
  if (!(secret instanceof Uint8Array) || secret.length < 16) {
    throw new TypeError('oauth: secret must be at least 16 bytes (e.g. openssl rand -hex 32)');
  }
  const stateTtl = options.stateTtl ?? 600_000;
  const stateStore = options.stateStore ?? new MemoryNonceStore();
  const cookieName = options.cookie?.name ?? 'zgrobot_wechat_user';
  const bindName = `${cookieName}_bind`;
  const maxAge = options.cookie?.maxAge ?? 7 * DAY;
  const path = options.cookie?.path ?? '/';
  const cookieBase = {
    path,
    domain: options.cookie?.domain,
    secure: options.cookie?.secure,
    httpOnly: true,
    overwrite: true,
    // Ours are signed already; Koa's `app.keys` signing would only add a `.sig` cookie.
    signed: false,
  };
  const page = options.page ?? defaultOAuthPage;
  const origin = options.origin?.replace(/\/+$/, '');

  type Ctx = ParameterizedContext<OAuthState>;

  const fail = (ctx: Ctx, reason: OAuthFailureReason): void => {
    const status = FAILURE_STATUS[reason];
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = page({ reason, status, retryUrl: cleanUrl(ctx.path, ctx.querystring) });
  };

  const remembered = (ctx: Ctx): WeChatUser | undefined => {
    const value = openCookie(secret, ctx.cookies.get(cookieName, { signed: false })) as
      | Remembered
      | undefined;
    if (
      typeof value !== 'object' ||
      value === null ||
      value.v !== 1 ||
      value.a !== client.appId ||
      !(value.e > Date.now()) ||
      typeof value.o !== 'string'
    ) {
      return undefined;
    }
    const user: WeChatUser = { openid: value.o, scope: value.s, isSnapshotUser: false };
    if (value.u !== undefined) user.unionid = value.u;
    if (value.i !== undefined) user.userInfo = value.i;
    return user;
  };

  const remember = (ctx: Ctx, user: WeChatUser): void => {
    const value: Remembered = {
      v: 1,
      a: client.appId,
      e: Date.now() + maxAge,
      o: user.openid,
      s: user.scope,
    };
    if (user.unionid !== undefined) value.u = user.unionid;
    if (user.userInfo !== undefined) value.i = user.userInfo;
    ctx.cookies.set(cookieName, sealCookie(secret, value), {
      ...cookieBase,
      maxAge,
      sameSite: options.cookie?.sameSite ?? 'lax',
    });
  };

  /** Send the visitor to WeChat, with a state bound to this browser. */
  const toWeChat = (ctx: Ctx): void => {
    let bind = ctx.cookies.get(bindName, { signed: false });
    if (!bind || !/^[0-9a-f]{32}$/.test(bind)) bind = randomId(16);
    // Lax, whatever the user cookie's setting: it must come back with WeChat's redirect.
    ctx.cookies.set(bindName, bind, { ...cookieBase, maxAge: stateTtl, sameSite: 'lax' });
    const state = sealState(secret, { appId: client.appId, scope, bind }, Date.now() + stateTtl);
    const redirectUri =
      (origin ?? `${ctx.protocol}://${ctx.host}`) + cleanUrl(ctx.path, ctx.querystring);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(client.oauthAuthorizeUrl({ redirectUri, scope, state }));
  };

  /** WeChat sent the user back: check the state, exchange the code. */
  const back = async (ctx: Ctx, state: string | undefined, next: () => Promise<unknown>) => {
    const bind = ctx.cookies.get(bindName, { signed: false }) ?? '';
    const opened =
      state === undefined
        ? undefined
        : openState(secret, { appId: client.appId, scope, bind }, state);
    if (opened === undefined) return fail(ctx, 'invalid-state');
    const left = opened.expiresAt - Date.now();
    if (left <= 0) return fail(ctx, 'expired-state');
    const earlier = await stateStore.remember(`zgrobot:oauth-state:${opened.nonce}`, '1', left);
    if (earlier !== undefined) return fail(ctx, 'replayed-state');
    const code = single(ctx.query.code);
    if (!code) return fail(ctx, 'denied');

    let token: OAuthToken;
    try {
      token = await client.exchangeOAuthCode(code);
    } catch (error) {
      if (error instanceof WeChatApiError && (error.errcode === 40029 || error.errcode === 40163)) {
        return fail(ctx, 'invalid-code');
      }
      throw error;
    }
    const granted: OAuthScope = token.scope.includes('snsapi_userinfo')
      ? 'snsapi_userinfo'
      : 'snsapi_base';
    const user: WeChatUser = {
      openid: token.openid,
      scope: granted,
      isSnapshotUser: token.isSnapshotUser,
    };
    if (token.unionid !== undefined) user.unionid = token.unionid;
    if (granted === 'snsapi_userinfo' && scope === 'snsapi_userinfo' && !token.isSnapshotUser) {
      const {
        errcode: _code,
        errmsg: _msg,
        ...info
      } = await client.getOAuthUserInfo(token.accessToken, token.openid, options.lang ?? 'zh_CN');
      user.userInfo = info;
      if (user.unionid === undefined && info.unionid !== undefined) user.unionid = info.unionid;
    }
    await options.onAuthorized?.(user, token, ctx);
    if (user.isSnapshotUser) {
      // Not remembered (the user may go on to the full page), and no redirect (it would loop).
      ctx.state.wechatUser = user;
      return next();
    }
    remember(ctx, user);
    ctx.set('Cache-Control', 'no-store');
    ctx.redirect(cleanUrl(ctx.path, ctx.querystring));
  };

  return async (ctx, next) => {
    const user = remembered(ctx);
    if (user !== undefined && covers(user.scope, scope)) {
      ctx.state.wechatUser = user;
      return next();
    }
    if (ctx.query.state !== undefined) return back(ctx, single(ctx.query.state), next);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return fail(ctx, 'unauthenticated');
    toWeChat(ctx);
  };
}
