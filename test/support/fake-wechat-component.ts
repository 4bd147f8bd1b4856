/**
 * The Open Platform side of the fake WeChat API (see `fake-wechat-api.ts`): the
 * `/cgi-bin/component/*` endpoints of one third-party platform. It knows the component's AppID and
 * AppSecret and the ticket WeChat last pushed (a test sets `ticket` when it pushes one), issues
 * `component-token-N`, pre_auth_codes and authorization codes (`authorize(appId)` plays an
 * account's admin consenting), answers `api_query_auth` and `api_authorizer_token` with
 * authorizer tokens the fake then accepts as account access tokens (`authorizer-<appId>-N`), and
 * rotates refresh tokens on every refresh (`refresh-<appId>-N`), refusing an outdated one with
 * 61023 as WeChat does. Every call but `api_component_token` needs a `component_access_token` it
 * issued (else 40001).
 */
import type { FakeHandler, FakeReply, RecordedRequest } from './fake-wechat-api.js';

export const FAKE_COMPONENT_APP_ID = 'wx_component_0001';
export const FAKE_COMPONENT_SECRET = 'component-secret';

/** Controls of the fake's Open Platform. */
export interface FakeComponent {
  readonly appId: string;
  readonly appSecret: string;
  /** The ticket WeChat last pushed: the only one `api_component_token` accepts (else 61006). */
  ticket: string | undefined;
  /** `expires_in` of component and authorizer tokens, in seconds. */
  expiresIn: number;
  /** component_access_tokens issued and not revoked. */
  readonly componentTokens: Set<string>;
  /** pre_auth_codes issued, in order. */
  readonly preAuthCodes: string[];
  /** The current refresh token of each authorized account. */
  readonly refreshTokens: Map<string, string>;
  /** Authorizer options set (`<appId>:<name>` → value). */
  readonly options: Map<string, string>;
  /** An account's admin authorizes: returns the authorization code for `api_query_auth`. */
  authorize(authorizerAppId: string): string;
}

/** The fake's Open Platform: its controls and the routes to install. */
export function createFakeComponent(validTokens: Set<string>): {
  controls: FakeComponent;
  routes: [string, FakeHandler][];
} {
  let issued = 0;
  const codes = new Map<string, string>();
  const controls: FakeComponent = {
    appId: FAKE_COMPONENT_APP_ID,
    appSecret: FAKE_COMPONENT_SECRET,
    ticket: undefined,
    expiresIn: 7200,
    componentTokens: new Set(),
    preAuthCodes: [],
    refreshTokens: new Map(),
    options: new Map(),
    authorize(authorizerAppId) {
      const code = `authcode-${authorizerAppId}-${++issued}`;
      codes.set(code, authorizerAppId);
      return code;
    },
  };
  const error = (errcode: number, errmsg: string): FakeReply => ({ json: { errcode, errmsg } });
  const authorizerTokens = (appId: string) => {
    const accessToken = `authorizer-${appId}-${++issued}`;
    const refreshToken = `refresh-${appId}-${++issued}`;
    validTokens.add(accessToken);
    controls.refreshTokens.set(appId, refreshToken);
    return { accessToken, refreshToken };
  };
  /** A handler that needs a valid component_access_token and the component's AppID in the body. */
  const authed =
    (handle: (body: Record<string, unknown>) => FakeReply): FakeHandler =>
    (req: RecordedRequest) => {
      if (!controls.componentTokens.has(req.query.component_access_token ?? '')) {
        return error(40001, 'invalid credential, access_token is invalid or not latest');
      }
      const body = (req.json ?? {}) as Record<string, unknown>;
      if (body.component_appid !== controls.appId) return error(40013, 'invalid appid');
      return handle(body);
    };
  const path = (api: string) => `POST /cgi-bin/component/${api}`;
  const routes: [string, FakeHandler][] = [
    [
      path('api_component_token'),
      (req) => {
        const body = (req.json ?? {}) as Record<string, unknown>;
        if (body.component_appid !== controls.appId) return error(40013, 'invalid appid');
        if (body.component_appsecret !== controls.appSecret) {
          return error(40125, 'invalid appsecret');
        }
        if (controls.ticket === undefined || body.component_verify_ticket !== controls.ticket) {
          return error(61006, 'component ticket is invalid');
        }
        const token = `component-token-${++issued}`;
        controls.componentTokens.add(token);
        return { json: { component_access_token: token, expires_in: controls.expiresIn } };
      },
    ],
    [
      path('api_create_preauthcode'),
      authed(() => {
        const code = `preauth-${++issued}`;
        controls.preAuthCodes.push(code);
        return { json: { pre_auth_code: code, expires_in: 600 } };
      }),
    ],
    [
      path('api_query_auth'),
      authed((body) => {
        const appId = codes.get(String(body.authorization_code));
        if (appId === undefined) return error(61010, 'code is expired');
        codes.delete(String(body.authorization_code));
        const tokens = authorizerTokens(appId);
        return {
          json: {
            authorization_info: {
              authorizer_appid: appId,
              authorizer_access_token: tokens.accessToken,
              expires_in: controls.expiresIn,
              authorizer_refresh_token: tokens.refreshToken,
              func_info: [{ funcscope_category: { id: 1 } }],
            },
          },
        };
      }),
    ],
    [
      path('api_authorizer_token'),
      authed((body) => {
        const appId = String(body.authorizer_appid);
        const current = controls.refreshTokens.get(appId);
        if (current === undefined || body.authorizer_refresh_token !== current) {
          return error(61023, 'refresh_token is invalid');
        }
        const tokens = authorizerTokens(appId);
        return {
          json: {
            authorizer_access_token: tokens.accessToken,
            expires_in: controls.expiresIn,
            authorizer_refresh_token: tokens.refreshToken,
          },
        };
      }),
    ],
    [
      path('api_get_authorizer_info'),
      authed((body) => {
        const appId = String(body.authorizer_appid);
        if (!controls.refreshTokens.has(appId)) return error(61003, 'component is not authorized');
        return {
          json: {
            authorizer_info: {
              nick_name: `account ${appId}`,
              service_type_info: { id: 2 },
              verify_type_info: { id: 0 },
              user_name: `gh_${appId}`,
              alias: '',
            },
            authorization_info: {
              authorizer_appid: appId,
              func_info: [{ funcscope_category: { id: 1 } }],
            },
          },
        };
      }),
    ],
    [
      path('api_get_authorizer_option'),
      authed((body) => ({
        json: {
          authorizer_appid: body.authorizer_appid,
          option_name: body.option_name,
          option_value: controls.options.get(`${body.authorizer_appid}:${body.option_name}`) ?? '0',
        },
      })),
    ],
    [
      path('api_set_authorizer_option'),
      authed((body) => {
        controls.options.set(
          `${body.authorizer_appid}:${body.option_name}`,
          String(body.option_value),
        );
        return { json: { errcode: 0, errmsg: 'ok' } };
      }),
    ],
    [
      path('api_get_authorizer_list'),
      authed((body) => {
        const all = [...controls.refreshTokens].map(([appId, refreshToken]) => ({
          authorizer_appid: appId,
          refresh_token: refreshToken,
          auth_time: 1700000000,
        }));
        const offset = Number(body.offset);
        return {
          json: {
            total_count: all.length,
            list: all.slice(offset, offset + Number(body.count)),
          },
        };
      }),
    ],
  ];
  return { controls, routes };
}
