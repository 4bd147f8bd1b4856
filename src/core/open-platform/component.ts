import { Client } from '../client/client.js';
import type { AccessTokenResult, CallOptions, ClientOptions } from '../client/core.js';
import { MemoryTokenStore, type TokenStore } from '../client/token-store.js';
import {
  SHARED_AGENT,
  SharedAgent,
  type SharingTransportOptions,
  type TransportOptions,
} from '../client/transport.js';
import { KeyRing } from '../crypto/key-ring.js';
import type { MessageCrypt } from '../crypto/message-crypt.js';
import { WechatError } from '../errors.js';
import { type AuthorizerStore, MemoryAuthorizerStore } from './authorizer-store.js';
import { ComponentApi, type ComponentApiOptions } from './component-api.js';
import { type ComponentTicketStore, MemoryComponentTicketStore } from './ticket-store.js';
import type {
  AuthorizationUrlOptions,
  AuthorizerInfoResult,
  AuthorizerListResult,
  AuthorizerOptionResult,
  AuthorizerTokenResult,
  ComponentAccessTokenResult,
  PreAuthCodeResult,
  QueryAuthResult,
} from './types.js';

/** Options of {@link Component}: the values of the third-party platform's admin page. */
export interface ComponentOptions extends TransportOptions {
  /** 第三方平台 AppID. */
  appId: string;
  /** 第三方平台 AppSecret. */
  appSecret: string;
  /** 消息校验 Token: signs the authorization events and the authorized accounts' messages. */
  token: string;
  /**
   * 消息加解密 Key (43 characters): encrypts the same. During a rotation a list, the newest first:
   * each message is decrypted with the key it came with, and answered with it.
   */
  encodingAESKey: string | readonly string[];
  /** Where the pushed `component_verify_ticket` is kept. Default: this process's memory. */
  ticketStore?: ComponentTicketStore;
  /**
   * Where the `component_access_token` is kept: a `RedisTokenStore` shares it (and its refresh
   * lock) across processes. The authorizers' access tokens are kept beside it, in
   * `tokenStore.sibling('authorizer:<appId>')`, when the store has `sibling`. Default: memory.
   */
  tokenStore?: TokenStore;
  /** Where the authorizers' refresh tokens are kept. Default: this process's memory. */
  authorizerStore?: AuthorizerStore;
  /** Base URL of the API. Default `https://api.weixin.qq.com`. */
  baseUrl?: string;
  /** Base URL of the PC authorization page. Default `https://mp.weixin.qq.com`. */
  mpBaseUrl?: string;
  /** Base URL of the mobile authorization page. Default `https://open.weixin.qq.com`. */
  openBaseUrl?: string;
  /**
   * How many authorizer clients `authorizerClient` keeps (least recently used go first). Default
   * 1000. The clients share the component's connections (one keep-alive pool to the API, not one
   * per account), so a dropped client holds none; with the default memory token store, a dropped
   * account's access token is fetched again (`api_authorizer_token`) on its next use.
   */
  maxClients?: number;
}

/** A component's state is missing: no `component_verify_ticket` yet, or an account not authorized. */
export class ComponentError extends WechatError {
  override name = 'ComponentError';
  constructor(message: string) {
    super(message, { status: 500, expose: false });
  }
}

/** One authorized account: its client, and the store its access token is kept in. */
interface AuthorizerEntry {
  client: Client;
  tokens: TokenStore;
}

/**
 * 微信开放平台第三方平台（component）。A WeChat Open Platform third-party platform: it receives
 * the `component_verify_ticket`, keeps its `component_access_token`, lets accounts authorize it
 * (pre_auth_code, the PC and mobile authorization pages, `api_query_auth`), keeps each
 * authorizer's refresh and access tokens, and gives a {@link Client} per authorized account that
 * calls the API with that account's authorizer token.
 *
 * Tokens are cached like the `Client`'s own: refreshed 60 s before expiry, one refresh shared by
 * concurrent callers, and — in a shared store with a lock (`RedisTokenStore`) — one refresh across
 * processes; a rejected token (40001/40014/42001) is dropped and the call made once more.
 *
 * @example
 * ```ts
 * const component = new Component({ appId, appSecret, token, encodingAESKey });
 * app.post('/wechat/component', componentEvents({ component, onAuthorized: (e) => component.queryAuth(e.authorizationCode) }));
 * const url = await component.authorizationUrl({ redirectUri: 'https://example.com/authorized' });
 * // later, for an account that authorized:
 * await component.authorizerClient('wx_authorizer').sendTextMessage(openId, '你好');
 * ```
 */
export class Component {
  /** The component's AppID. */
  readonly appId: string;
  /**
   * The component's message-verification token (消息校验 Token): `signature` of the authorization
   * events and of every authorized account's messages is made with it.
   */
  readonly token: string;
  readonly #appSecret: string;
  /**
   * The component's keys (newest first): authorization events and authorized accounts' messages
   * are decrypted with the one they came with.
   */
  readonly keys: KeyRing;
  readonly #options: ComponentOptions;
  readonly #api: ComponentApi;
  readonly #tickets: ComponentTicketStore;
  readonly #tokenStore: TokenStore;
  readonly #authorizers: AuthorizerStore;
  readonly #mpBaseUrl: string;
  readonly #openBaseUrl: string;
  readonly #maxClients: number;
  /** Insertion order is use order: the first entry is the least recently used. */
  readonly #entries = new Map<string, AuthorizerEntry>();
  /**
   * The connections of the component's own calls and of every authorizer client (all to the same
   * API): one pool, closed by `close()`, unless `dispatcher` is given (then that one is used).
   */
  readonly #agent = new SharedAgent();
  /** One api_authorizer_token call per account at a time, whichever client asked. */
  readonly #refreshing = new Map<string, Promise<AccessTokenResult>>();

  constructor(options: ComponentOptions) {
    if (!options?.appId || !options.appSecret) {
      throw new TypeError('Component needs appId and appSecret');
    }
    this.appId = options.appId;
    this.#appSecret = options.appSecret;
    this.token = options.token;
    // Checked now, so a bad key fails at startup.
    this.keys = new KeyRing({
      token: options.token,
      encodingAESKey: options.encodingAESKey,
      appId: options.appId,
    });
    this.#options = options;
    this.#tickets = options.ticketStore ?? new MemoryComponentTicketStore();
    this.#tokenStore = options.tokenStore ?? new MemoryTokenStore();
    this.#authorizers = options.authorizerStore ?? new MemoryAuthorizerStore();
    this.#mpBaseUrl = (options.mpBaseUrl ?? 'https://mp.weixin.qq.com').replace(/\/+$/, '');
    this.#openBaseUrl = (options.openBaseUrl ?? 'https://open.weixin.qq.com').replace(/\/+$/, '');
    this.#maxClients = options.maxClients ?? 1000;
    if (!(Number.isInteger(this.#maxClients) && this.#maxClients > 0)) {
      throw new RangeError(
        `Component: maxClients must be a positive integer, got ${this.#maxClients}`,
      );
    }
    const { ticketStore, authorizerStore, token, encodingAESKey, appSecret, ...transport } =
      options;
    const apiOptions: ComponentApiOptions & SharingTransportOptions = {
      ...transport,
      tokenStore: this.#tokenStore,
      grantToken: () => this.#grantComponentToken(),
      [SHARED_AGENT]: this.#agent,
    };
    this.#api = new ComponentApi(apiOptions);
  }

  /**
   * The component's message crypt (token, EncodingAESKey, the component's AppID): it signs and
   * encrypts the authorization events and every authorized account's messages and replies.
   */
  get crypt(): MessageCrypt {
    return this.keys.newest;
  }

  /**
   * Keep a pushed `component_verify_ticket` (valid 12 hours). `componentEvents()` calls this for
   * each push.
   *
   * @example
   * ```ts
   * await component.saveVerifyTicket(event.ticket);
   * ```
   */
  saveVerifyTicket(ticket: string): Promise<void> {
    return this.#tickets.set(this.appId, ticket);
  }

  /** The latest `component_verify_ticket`, or `undefined` when none arrived in the last 12 hours. */
  getVerifyTicket(): Promise<string | undefined> {
    return this.#tickets.get(this.appId);
  }

  /**
   * A valid `component_access_token`, cached until 60 s before it expires and refreshed with the
   * latest ticket (`POST /cgi-bin/component/api_component_token`).
   *
   * @throws {ComponentError} when no ticket has arrived yet (WeChat pushes the first within 10
   *   minutes of the platform being approved and its event URL set).
   */
  getComponentAccessToken(): Promise<string> {
    return this.#api.getAccessToken();
  }

  /**
   * A new pre_auth_code (`api_create_preauthcode`), valid 10 minutes, for one authorization page.
   */
  createPreAuthCode(options?: CallOptions): Promise<PreAuthCodeResult> {
    return this.#post('api_create_preauthcode', {}, options);
  }

  /**
   * The PC authorization page (`mp.weixin.qq.com/cgi-bin/componentloginpage`): the account's admin
   * scans a QR code there. Creates a pre_auth_code when none is given. The page must be opened
   * from a page of the platform's registered domain (WeChat checks the Referer).
   *
   * @example
   * ```ts
   * ctx.redirect(await component.authorizationUrl({ redirectUri: 'https://example.com/done', authType: 1 }));
   * ```
   */
  async authorizationUrl(options: AuthorizationUrlOptions): Promise<string> {
    const query = await this.#authQuery(options);
    return `${this.#mpBaseUrl}/cgi-bin/componentloginpage?${query}`;
  }

  /**
   * The mobile authorization page (`open.weixin.qq.com/wxaopen/safe/bindcomponent`), opened
   * inside WeChat by the account's admin. Creates a pre_auth_code when none is given.
   */
  async mobileAuthorizationUrl(options: AuthorizationUrlOptions): Promise<string> {
    const query = await this.#authQuery(options);
    return `${this.#openBaseUrl}/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&${query}#wechat_redirect`;
  }

  /**
   * 使用授权码获取授权信息。Exchange the authorization code (the `auth_code` of the redirect, or
   * `AuthorizationCode` of the `authorized` event) for the account's tokens (`api_query_auth`):
   * its refresh token goes to the `authorizerStore`, its access token to the token store, so
   * `authorizerClient(appId)` works at once.
   */
  async queryAuth(authorizationCode: string, options?: CallOptions): Promise<QueryAuthResult> {
    const answer = await this.#post<QueryAuthResult>(
      'api_query_auth',
      { authorization_code: authorizationCode },
      options,
    );
    const info = answer.authorization_info;
    if (!info?.authorizer_appid || !info.authorizer_refresh_token) {
      throw new ComponentError('api_query_auth answered without authorizer_appid/refresh token');
    }
    await this.#authorizers.set(this.appId, info.authorizer_appid, info.authorizer_refresh_token);
    if (info.authorizer_access_token && typeof info.expires_in === 'number') {
      await this.#entry(info.authorizer_appid).tokens.set({
        token: info.authorizer_access_token,
        expiresAt: Date.now() + info.expires_in * 1000,
      });
    }
    return answer;
  }

  /**
   * A valid access token of an authorized account: the stored one until 60 s before it expires,
   * else a new one from `api_authorizer_token` with the stored refresh token (which the answer's
   * refresh token then replaces). One refresh per account however many callers, and — with a
   * shared token store — however many processes.
   *
   * @throws {ComponentError} when the account has no stored refresh token (never authorized, or
   *   cancelled).
   */
  authorizerAccessToken(authorizerAppId: string): Promise<string> {
    return this.authorizerClient(authorizerAppId).getAccessToken();
  }

  /**
   * A {@link Client} for an authorized account, calling every API with its authorizer access
   * token. Made once per account and kept (at most `maxClients`, least recently used dropped).
   * Web authorization's code exchange needs the account's AppSecret, which a component does not
   * have: `exchangeOAuthCode` rejects with a `TypeError` on this client.
   *
   * @example
   * ```ts
   * await component.authorizerClient(event.authorizerAppId).sendTextMessage(openId, '欢迎');
   * ```
   */
  authorizerClient(authorizerAppId: string): Client {
    return this.#entry(authorizerAppId).client;
  }

  /** An authorized account's profile and authorization (`api_get_authorizer_info`). */
  getAuthorizerInfo(authorizerAppId: string, options?: CallOptions): Promise<AuthorizerInfoResult> {
    return this.#post('api_get_authorizer_info', { authorizer_appid: authorizerAppId }, options);
  }

  /** One option of an authorized account (`api_get_authorizer_option`), e.g. `voice_recognize`. */
  getAuthorizerOption(
    authorizerAppId: string,
    optionName: string,
    options?: CallOptions,
  ): Promise<AuthorizerOptionResult> {
    return this.#post(
      'api_get_authorizer_option',
      { authorizer_appid: authorizerAppId, option_name: optionName },
      options,
    );
  }

  /** Set one option of an authorized account (`api_set_authorizer_option`). */
  async setAuthorizerOption(
    authorizerAppId: string,
    optionName: string,
    optionValue: string,
    options?: CallOptions,
  ): Promise<void> {
    await this.#post(
      'api_set_authorizer_option',
      { authorizer_appid: authorizerAppId, option_name: optionName, option_value: optionValue },
      options,
    );
  }

  /** The accounts that authorized the component, a page at a time (`api_get_authorizer_list`; count ≤ 500). */
  getAuthorizerList(offset = 0, count = 500, options?: CallOptions): Promise<AuthorizerListResult> {
    return this.#post('api_get_authorizer_list', { offset, count }, options);
  }

  /**
   * Forget an account (after it cancelled the authorization): its refresh token, its cached
   * client and, when the store can, its access token. `componentEvents()` calls this on
   * `unauthorized`.
   */
  async forgetAuthorizer(authorizerAppId: string): Promise<void> {
    await this.#authorizers.delete(this.appId, authorizerAppId);
    const entry = this.#entries.get(authorizerAppId);
    this.#entries.delete(authorizerAppId);
    const tokens = entry?.tokens ?? this.#tokenStoreFor(authorizerAppId);
    const current = await tokens.get();
    if (!current) return;
    // Only the token read here: one a re-authorization stored meanwhile (queryAuth, perhaps in
    // another process) stays. A store without compare-and-drop gets it marked expired instead.
    if (tokens.invalidate) await tokens.invalidate(current.token);
    else await tokens.set({ token: current.token, expiresAt: 0 });
  }

  /**
   * Close the keep-alive connections of the component and its authorizer clients (one pool, shared
   * by all; calls in flight finish first). A dispatcher given in the options is yours to close.
   */
  async close(): Promise<void> {
    this.#entries.clear();
    await this.#agent.close();
  }

  async #grantComponentToken(): Promise<AccessTokenResult> {
    const ticket = await this.#tickets.get(this.appId);
    if (ticket === undefined) {
      throw new ComponentError(
        `Component ${this.appId}: no component_verify_ticket yet; WeChat pushes one to the authorization event URL every 10 minutes (is componentEvents() mounted there?)`,
      );
    }
    const answer = await this.#api.request<ComponentAccessTokenResult>({
      method: 'POST',
      path: '/cgi-bin/component/api_component_token',
      anonymous: true,
      body: {
        component_appid: this.appId,
        component_appsecret: this.#appSecret,
        component_verify_ticket: ticket,
      },
    });
    return { access_token: answer.component_access_token, expires_in: answer.expires_in };
  }

  /** api_authorizer_token with the stored refresh token; one call per account at a time. */
  #refreshAuthorizer(authorizerAppId: string): Promise<AccessTokenResult> {
    let running = this.#refreshing.get(authorizerAppId);
    if (running === undefined) {
      running = this.#refreshAuthorizerOnce(authorizerAppId).finally(() => {
        this.#refreshing.delete(authorizerAppId);
      });
      this.#refreshing.set(authorizerAppId, running);
    }
    return running;
  }

  async #refreshAuthorizerOnce(authorizerAppId: string): Promise<AccessTokenResult> {
    const refreshToken = await this.#authorizers.get(this.appId, authorizerAppId);
    if (refreshToken === undefined) {
      throw new ComponentError(
        `Component ${this.appId}: no refresh token for ${authorizerAppId}: it has not authorized this component (queryAuth) or has cancelled`,
      );
    }
    const answer = await this.#post<AuthorizerTokenResult>('api_authorizer_token', {
      authorizer_appid: authorizerAppId,
      authorizer_refresh_token: refreshToken,
    });
    if (answer.authorizer_refresh_token && answer.authorizer_refresh_token !== refreshToken) {
      await this.#authorizers.set(this.appId, authorizerAppId, answer.authorizer_refresh_token);
    }
    return { access_token: answer.authorizer_access_token, expires_in: answer.expires_in };
  }

  /** The account's entry, made on first use and moved to the back of the LRU order. */
  #entry(authorizerAppId: string): AuthorizerEntry {
    let entry = this.#entries.get(authorizerAppId);
    if (entry !== undefined) {
      this.#entries.delete(authorizerAppId);
      this.#entries.set(authorizerAppId, entry);
      return entry;
    }
    const tokens = this.#tokenStoreFor(authorizerAppId);
    const { ticketStore, authorizerStore, token, encodingAESKey, appSecret, maxClients, ...rest } =
      this.#options;
    const clientOptions: ClientOptions & SharingTransportOptions = {
      ...rest,
      appId: authorizerAppId,
      tokenStore: tokens,
      grantToken: () => this.#refreshAuthorizer(authorizerAppId),
      [SHARED_AGENT]: this.#agent,
    };
    const client = new Client(clientOptions);
    entry = { client, tokens };
    this.#entries.set(authorizerAppId, entry);
    if (this.#entries.size > this.#maxClients) {
      // Nothing to close: its connections are the component's, and a handler may still hold it.
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return entry;
  }

  /** The store of an account's access token: beside the component's, or in memory. */
  #tokenStoreFor(authorizerAppId: string): TokenStore {
    return this.#tokenStore.sibling?.(`authorizer:${authorizerAppId}`) ?? new MemoryTokenStore();
  }

  #post<T>(api: string, body: Record<string, unknown>, options?: CallOptions): Promise<T> {
    return this.#api.request<T>({
      method: 'POST',
      path: `/cgi-bin/component/${api}`,
      body: { component_appid: this.appId, ...body },
      timeout: options?.timeout,
    });
  }

  async #authQuery(options: AuthorizationUrlOptions): Promise<string> {
    const preAuthCode = options.preAuthCode ?? (await this.createPreAuthCode()).pre_auth_code;
    const parts = [
      `component_appid=${encodeURIComponent(this.appId)}`,
      `pre_auth_code=${encodeURIComponent(preAuthCode)}`,
      `redirect_uri=${encodeURIComponent(options.redirectUri)}`,
    ];
    if (options.authType !== undefined) parts.push(`auth_type=${options.authType}`);
    if (options.bizAppId !== undefined)
      parts.push(`biz_appid=${encodeURIComponent(options.bizAppId)}`);
    return parts.join('&');
  }
}
