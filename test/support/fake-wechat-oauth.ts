/**
 * The web-authorization side of the fake WeChat API (see `fake-wechat-api.ts`): the authorize page
 * `GET /connect/oauth2/authorize`, which sends the browser straight back to `redirect_uri` as if
 * the user had consented (with `code` and `state`) or refused (`state` only), and the `/sns/*`
 * endpoints, which know the codes and user tokens it issued. Codes work once (40163 after) and
 * can be expired (40029); user tokens are checked like WeChat does.
 */
import type { FakeHandler, RecordedRequest } from './fake-wechat-api.js';

/** The user who authorizes, as `/sns/userinfo` describes them. */
export interface FakeOAuthUser {
  openid: string;
  unionid?: string;
  nickname: string;
  sex: number;
  province: string;
  city: string;
  country: string;
  headimgurl: string;
  privilege: string[];
}

/** A code the authorize page issued. */
interface IssuedCode {
  user: FakeOAuthUser;
  scope: string;
  snapshot: boolean;
  used: boolean;
  expired: boolean;
}

/** A user token the fake issued. */
interface IssuedToken {
  openid: string;
  scope: string;
  refreshToken: string;
}

/** Controls of the fake's web authorization. */
export interface FakeOAuth {
  /** Who authorizes next. Default: `FAKE_OAUTH_USER`. */
  user: FakeOAuthUser;
  /** The user refuses: the authorize page redirects back with `state` only. */
  deny: boolean;
  /** The user opens the page in Moments snapshot mode (`is_snapshotuser: 1`). */
  snapshot: boolean;
  /** Codes issued so far, in order. */
  readonly codes: string[];
  /** User access tokens issued so far, in order. */
  readonly accessTokens: string[];
  /** Make every code issued so far expired (answered with 40029). */
  expireCodes(): void;
  /** Stop accepting a user access token (then `/sns/*` answers 40001 or 42001 to it). */
  expireAccessToken(token: string): void;
}

export const FAKE_OAUTH_USER: FakeOAuthUser = {
  openid: 'o-oauth-user-1',
  unionid: 'u-union-1',
  nickname: '张三',
  sex: 1,
  province: '广东',
  city: '深圳',
  country: '中国',
  headimgurl: 'https://thirdwx.qlogo.cn/mmopen/abc/132',
  privilege: [],
};

/** The fake's web authorization: its controls and the routes to install. */
export function createFakeOAuth(): { controls: FakeOAuth; routes: [string, FakeHandler][] } {
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  let issued = 0;

  const controls: FakeOAuth = {
    user: FAKE_OAUTH_USER,
    deny: false,
    snapshot: false,
    codes: [],
    accessTokens: [],
    expireCodes() {
      for (const code of codes.values()) code.expired = true;
    },
    expireAccessToken(token) {
      tokens.delete(token);
    },
  };

  const issueToken = (openid: string, scope: string, refreshToken?: string) => {
    const accessToken = `sns-access-${++issued}`;
    const refresh = refreshToken ?? `sns-refresh-${issued}`;
    const value = { openid, scope, refreshToken: refresh };
    tokens.set(accessToken, value);
    refreshTokens.set(refresh, value);
    controls.accessTokens.push(accessToken);
    return { access_token: accessToken, expires_in: 7200, refresh_token: refresh, openid, scope };
  };

  const authorize: FakeHandler = (req: RecordedRequest) => {
    const { redirect_uri: redirectUri, state = '', scope = '', response_type } = req.query;
    if (!redirectUri || response_type !== 'code') {
      return { status: 400, body: 'redirect_uri and response_type=code are required' };
    }
    const back = new URL(redirectUri);
    if (!controls.deny) {
      const code = `code-${controls.codes.length + 1}`;
      codes.set(code, {
        user: controls.user,
        scope: controls.snapshot ? 'snsapi_base' : scope,
        snapshot: controls.snapshot,
        used: false,
        expired: false,
      });
      controls.codes.push(code);
      back.searchParams.append('code', code);
    }
    back.searchParams.append('state', state);
    return { status: 302, headers: { location: back.href } };
  };

  const exchange: FakeHandler = (req) => {
    const found = codes.get(req.query.code ?? '');
    if (!found || found.expired) return { json: { errcode: 40029, errmsg: 'invalid code' } };
    if (found.used) return { json: { errcode: 40163, errmsg: 'code been used' } };
    found.used = true;
    const answer: Record<string, unknown> = issueToken(found.user.openid, found.scope);
    if (found.user.unionid && found.scope === 'snsapi_userinfo')
      answer.unionid = found.user.unionid;
    if (found.snapshot) answer.is_snapshotuser = 1;
    return { json: answer };
  };

  const refresh: FakeHandler = (req) => {
    const found = refreshTokens.get(req.query.refresh_token ?? '');
    if (!found) return { json: { errcode: 40030, errmsg: 'invalid refresh_token' } };
    return { json: issueToken(found.openid, found.scope, found.refreshToken) };
  };

  const userToken = (req: RecordedRequest) => {
    const found = tokens.get(req.query.access_token ?? '');
    if (!found) return { error: { json: { errcode: 40001, errmsg: 'invalid credential' } } };
    if (found.openid !== req.query.openid) {
      return { error: { json: { errcode: 40003, errmsg: 'invalid openid' } } };
    }
    return { found };
  };

  const auth: FakeHandler = (req) => {
    const { error } = userToken(req);
    return error ?? { json: { errcode: 0, errmsg: 'ok' } };
  };

  const userinfo: FakeHandler = (req) => {
    const { error, found } = userToken(req);
    if (error) return error;
    if (!found.scope.includes('snsapi_userinfo')) {
      return { json: { errcode: 48001, errmsg: 'api unauthorized' } };
    }
    const { user } = controls;
    return { json: { ...user, openid: found.openid } };
  };

  return {
    controls,
    routes: [
      ['GET /connect/oauth2/authorize', authorize],
      ['GET /sns/oauth2/access_token', exchange],
      ['GET /sns/oauth2/refresh_token', refresh],
      ['GET /sns/auth', auth],
      ['GET /sns/userinfo', userinfo],
    ],
  };
}
