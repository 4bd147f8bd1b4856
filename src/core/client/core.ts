import type { FormData } from 'undici';
import { type Logger, silentLogger, withFields } from '../logger.js';
import { TOKEN_ERROR_CODES, WeChatApiError, WeChatResponseError } from './errors.js';
import { parseJson, stringifyJson } from './json.js';
import {
  filenameFromDisposition,
  type MediaDownload,
  type MediaInput,
  type MediaUploadOptions,
  mediaForm,
  toFile,
} from './media.js';
import { Tickets, type TicketType } from './ticket.js';
import { type GrantedToken, TokenManager } from './token.js';
import { MemoryTokenStore, type TokenStore } from './token-store.js';
import {
  Transport,
  type TransportOptions,
  type TransportResponse,
  type Undici,
} from './transport.js';
import { within } from './within.js';

/**
 * The options of {@link Client} that do not say where the access token comes from; see
 * {@link ClientOptions}.
 */
export interface ClientBaseOptions extends TransportOptions {
  /** The Official Account's AppID. */
  appId: string;
  /**
   * The Official Account's AppSecret. Needed unless `grantToken` is given; without it the methods
   * that send it (`exchangeOAuthCode`) throw a `TypeError`.
   */
  appSecret?: string;
  /**
   * 由你提供 access token（例如第三方平台代公众号调用时的 authorizer_access_token）。
   *
   * Where new access tokens come from, instead of `GET /cgi-bin/token`: an Open Platform
   * authorizer's token (`Component.authorizerClient` passes one), or a central token service. The
   * client still caches what it returns in `tokenStore`, shares one call among concurrent
   * callers, and calls it again once when WeChat rejects the token. `useStableToken` is then
   * ignored.
   */
  grantToken?: () => Promise<AccessTokenResult>;
  /** Base URL of the API. Default `https://api.weixin.qq.com`; point it at a proxy or a test server. */
  baseUrl?: string;
  /** Base URL of `showqrcode`. Default `https://mp.weixin.qq.com`. */
  mpBaseUrl?: string;
  /**
   * 网页授权页面的基础地址（`oauthAuthorizeUrl` 用）。Base URL of WeChat's web authorization page
   * (`oauthAuthorizeUrl`). Default `https://open.weixin.qq.com`; point it at a test server.
   */
  openBaseUrl?: string;
  /**
   * Get tokens from `POST /cgi-bin/stable_token` instead of `GET /cgi-bin/token`. A stable
   * token does not invalidate the token other servers of the same account hold; use it when
   * several deployments share one AppID without a shared {@link TokenStore}. Default `false`.
   */
  useStableToken?: boolean;
  /**
   * Where the access token is kept. Default: in this process's memory. The JS-SDK tickets
   * (`getJsapiTicket`, `getCardTicket`) are kept beside it when the store has `sibling()` (as
   * `MemoryTokenStore` and `RedisTokenStore` do), else in this process's memory.
   */
  tokenStore?: TokenStore;
}

/**
 * Options of {@link Client}: the AppID and an `appSecret`, or a `grantToken` that supplies the
 * access token (an Open Platform authorizer has no AppSecret of its own), or both.
 *
 * @example
 * ```ts
 * const direct: ClientOptions = { appId: 'wx…', appSecret: '…' };
 * const granted: ClientOptions = { appId: 'wx…', grantToken: () => myTokenService.get('wx…') };
 * ```
 */
export type ClientOptions = ClientBaseOptions &
  ({ appSecret: string } | { grantToken: () => Promise<AccessTokenResult> });

/** Every answer may carry these; the client throws when `errcode` is present and not 0. */
export interface WeChatResult {
  errcode?: number;
  errmsg?: string;
}

/** What `/cgi-bin/token` and `/cgi-bin/stable_token` return. */
export interface AccessTokenResult extends WeChatResult, GrantedToken {}

/** A JSON object as sent to WeChat. */
export type JsonBody = Record<string, unknown>;

/** Query parameters; `undefined` values are left out. */
export type Query = Record<string, string | number | undefined>;

/** One call to make: everything but the access token. */
export interface CallSpec {
  method: 'GET' | 'POST';
  path: string;
  query?: Query;
  /** A JSON object, or a factory for a multipart form (called again on each attempt). */
  body?: JsonBody | ((undici: Undici) => FormData);
  /** `'mp'` for `mp.weixin.qq.com` (showqrcode). Default `'api'`. */
  base?: 'api' | 'mp';
  /** Send without an access token (the token endpoints, showqrcode). */
  anonymous?: boolean;
  /** Per-call timeout in milliseconds; also bounds the wait for the access token. */
  timeout?: number;
}

/** How an upload is named, its timeout, and the multipart field the file goes in. */
export interface UploadCallOptions extends CallOptions, MediaUploadOptions {
  /** The multipart field that holds the file. Default `media`. */
  fieldName?: string;
}

/** Options every method accepts as its last argument. */
export interface CallOptions {
  /**
   * Timeout for this call, in milliseconds. It also bounds the wait for the access token the call
   * needs (a refresh it triggers goes on in the background, for the next call).
   */
  timeout?: number;
}

/**
 * What an API area (menus, tags, drafts…) needs from the client, and all it may use: send a call
 * with the access token and get the checked answer. `Client` hands each of its areas one.
 */
export interface ApiCaller {
  /** Call a JSON API and return its checked answer. */
  call<T>(spec: CallSpec): Promise<T>;
  /** Call an API that answers with a file (or with JSON `errcode` when it fails). */
  download(spec: CallSpec): Promise<MediaDownload>;
  /** Upload `media` (and extra text fields) as the multipart field `media` to `path`. */
  upload<T>(
    path: string,
    media: MediaInput,
    query: Query,
    options: UploadCallOptions | undefined,
    fields?: Record<string, string>,
  ): Promise<T>;
}

/**
 * What the areas that act as the app itself (web authorization, the JS-SDK) need besides calls:
 * the AppID and AppSecret, the authorization page's base URL, and the cached tickets.
 */
export interface AppCaller extends ApiCaller {
  /** The AppID. */
  readonly appId: string;
  /**
   * The AppSecret (the `sns/oauth2` endpoints take it in the query); `undefined` for a client
   * whose token comes from `grantToken`.
   */
  readonly appSecret: string | undefined;
  /** Base URL of `open.weixin.qq.com` (no trailing slash). */
  readonly openBaseUrl: string;
  /** A valid ticket of `type`, cached and refreshed like the access token. */
  ticket(type: TicketType): Promise<string>;
}

const JSON_TYPE = /\b(json|text\/plain)\b/i;

/**
 * The AppSecret of `app`, or a TypeError naming `method` when the client was made without one
 * (`grantToken` only, e.g. an Open Platform authorizer's).
 */
export function requireSecret(app: Pick<AppCaller, 'appId' | 'appSecret'>, method: string): string {
  if (app.appSecret === undefined) {
    throw new TypeError(
      `Client.${method} needs the AppSecret: this client (${app.appId}) was made with grantToken only`,
    );
  }
  return app.appSecret;
}

/**
 * The part of the client that every API method is built on: configuration, the access token,
 * and `call`/`download`/`upload`, which add the token, send, check `errcode` and retry once on an
 * invalid token. API methods live in separate area classes (menu, message, user…) that
 * `Client` composes; they reach this core only through an {@link ApiCaller}.
 */
export class ClientCore {
  /** The AppID this client acts for. */
  readonly appId: string;
  protected readonly appSecret: string | undefined;
  protected readonly baseUrl: string;
  protected readonly mpBaseUrl: string;
  protected readonly openBaseUrl: string;
  protected readonly useStableToken: boolean;
  protected readonly transport: Transport;
  protected readonly tokens: TokenManager;
  protected readonly tickets: Tickets;
  protected readonly logger: Logger;
  /** The query parameter that carries the token (the Open Platform's calls use another). */
  protected readonly tokenParam: string = 'access_token';
  readonly #grant: (() => Promise<AccessTokenResult>) | undefined;

  constructor(options: ClientOptions) {
    const { appSecret, grantToken } = (options ?? {}) as ClientBaseOptions;
    if (!options?.appId || (!appSecret && typeof grantToken !== 'function')) {
      throw new TypeError('Client needs appId and appSecret (or a grantToken function)');
    }
    this.appId = options.appId;
    this.appSecret = appSecret || undefined;
    this.#grant = grantToken;
    this.baseUrl = (options.baseUrl ?? 'https://api.weixin.qq.com').replace(/\/+$/, '');
    this.mpBaseUrl = (options.mpBaseUrl ?? 'https://mp.weixin.qq.com').replace(/\/+$/, '');
    this.openBaseUrl = (options.openBaseUrl ?? 'https://open.weixin.qq.com').replace(/\/+$/, '');
    this.useStableToken = options.useStableToken ?? false;
    // Every line of this client names its account.
    this.logger = options.logger
      ? withFields(options.logger, { account: this.appId })
      : silentLogger;
    this.transport = new Transport({ ...options, logger: this.logger });
    const tokenStore = options.tokenStore ?? new MemoryTokenStore();
    this.tokens = new TokenManager(tokenStore, () => {
      this.logger.debug('zgrobot: requesting a new WeChat access token');
      return this.grantToken();
    });
    this.tickets = new Tickets(tokenStore, (type) => {
      this.logger.debug({ type }, 'zgrobot: requesting a new WeChat ticket');
      return this.call({ method: 'GET', path: '/cgi-bin/ticket/getticket', query: { type } });
    });
  }

  /**
   * Ask WeChat for a new access token (`GET /cgi-bin/token`, or `POST /cgi-bin/stable_token`
   * with `useStableToken`), or the `grantToken` option for one when it was given. Normally you
   * call {@link getAccessToken}, which caches; this always asks. Throws {@link WeChatApiError} on
   * failure (e.g. 40013 invalid appid).
   *
   * @param forceRefresh - with `useStableToken`, ask for a new token even if the current one is
   *   valid (WeChat limits this to a few times a day). Ignored otherwise.
   */
  grantToken(forceRefresh = false): Promise<AccessTokenResult> {
    if (this.#grant) return this.#grant();
    const secret = requireSecret({ appId: this.appId, appSecret: this.appSecret }, 'grantToken');
    if (this.useStableToken) {
      return this.call<AccessTokenResult>({
        method: 'POST',
        path: '/cgi-bin/stable_token',
        anonymous: true,
        body: {
          grant_type: 'client_credential',
          appid: this.appId,
          secret,
          force_refresh: forceRefresh,
        },
      });
    }
    return this.call<AccessTokenResult>({
      method: 'GET',
      path: '/cgi-bin/token',
      anonymous: true,
      query: { grant_type: 'client_credential', appid: this.appId, secret },
    });
  }

  /**
   * A valid access token: the cached one while it has more than 60 s left, else a fresh one.
   * Concurrent callers share one refresh. Every API method gets its token here, so a subclass
   * may override this to keep tokens its own way (see WeRoBot's Q&A).
   */
  getAccessToken(): Promise<string> {
    return this.tokens.get();
  }

  /**
   * JS-SDK 的 jsapi_ticket：缓存到过期前 60 秒，并发调用只刷新一次，与 access token 共用同一种
   * `TokenStore`（有 `sibling()` 时多进程共享，刷新时加同一把锁）。
   *
   * A valid `jsapi_ticket` (`GET /cgi-bin/ticket/getticket?type=jsapi`), cached and refreshed
   * exactly like the access token: until 60 s before it expires, one refresh shared by concurrent
   * callers, kept in `tokenStore.sibling('jsapi_ticket')` when the store has it (shared by every
   * process with `RedisTokenStore`, refreshed under its lock). {@link Client.jssdkConfig} signs
   * with it; override this to keep tickets your own way.
   *
   * @example
   * ```ts
   * const ticket = await client.getJsapiTicket();
   * ```
   */
  getJsapiTicket(): Promise<string> {
    return this.tickets.get('jsapi');
  }

  /**
   * 卡券 api_ticket（`type=wx_card`），缓存与刷新方式同 `getJsapiTicket`。
   *
   * The card `api_ticket` (`GET /cgi-bin/ticket/getticket?type=wx_card`), cached like
   * {@link ClientCore.getJsapiTicket} (in `tokenStore.sibling('wx_card_ticket')`). Signs
   * {@link Client.cardExt}.
   *
   * @example
   * ```ts
   * const apiTicket = await client.getCardTicket();
   * ```
   */
  getCardTicket(): Promise<string> {
    return this.tickets.get('wx_card');
  }

  /** Close the keep-alive connections (when the client made its own dispatcher). */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** Call a JSON API and return its checked answer. */
  protected async call<T>(spec: CallSpec): Promise<T> {
    const res = await this.withToken(spec);
    return this.readJson<T>(res, spec.path);
  }

  /** Call an API that answers with a file (or with JSON `errcode` when it fails). */
  protected async callDownload(spec: CallSpec): Promise<MediaDownload> {
    const res = await this.withToken(spec);
    const contentType = header(res, 'content-type') ?? 'application/octet-stream';
    if (JSON_TYPE.test(contentType) || res.status >= 400) {
      // A failed download is a JSON error body, with a 200 status.
      const parsed = tryParse(res.body);
      if (parsed !== undefined) checkErrcode(parsed, spec.path);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new WeChatResponseError('unexpected status', spec.path, res.status, snippet(res.body));
    }
    return {
      data: res.body,
      contentType,
      filename: filenameFromDisposition(header(res, 'content-disposition')),
    };
  }

  /**
   * Upload `media` (and extra text fields) to `path`, as the multipart field `media` (or
   * `options.fieldName`).
   */
  protected async callUpload<T>(
    path: string,
    media: MediaInput,
    query: Query,
    options: UploadCallOptions | undefined,
    fields: Record<string, string> = {},
  ): Promise<T> {
    const file = await toFile(media, options);
    return this.call<T>({
      method: 'POST',
      path,
      query,
      body: (undici) => mediaForm(undici.FormData, file, fields, options?.fieldName),
      timeout: options?.timeout,
    });
  }

  /** Send with a token; on an invalid-token errcode, drop that token and retry once. */
  private async withToken(spec: CallSpec): Promise<TransportResponse> {
    if (spec.anonymous) return this.send(spec, undefined);
    const token = await this.#tokenFor(spec);
    const res = await this.send(spec, token);
    const code = tokenErrcode(res);
    if (code === undefined) return res;
    this.logger.warn(
      { api: spec.path, errcode: code },
      'zgrobot: WeChat rejected the access token, refreshing it once',
    );
    await this.tokens.invalidate(token);
    return this.send(spec, await this.#tokenFor(spec));
  }

  /** The token for `spec`, waited for no longer than the call's own timeout, when it has one. */
  #tokenFor(spec: CallSpec): Promise<string> {
    const token = this.getAccessToken();
    return spec.timeout === undefined ? token : within(token, spec.timeout, spec.path);
  }

  private send(spec: CallSpec, token: string | undefined): Promise<TransportResponse> {
    const base = spec.base === 'mp' ? this.mpBaseUrl : this.baseUrl;
    const url = new URL(base + spec.path);
    if (token !== undefined) url.searchParams.set(this.tokenParam, token);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const { body } = spec;
    return this.transport.send({
      method: spec.method,
      url,
      api: spec.path,
      timeout: spec.timeout,
      body:
        body === undefined
          ? undefined
          : typeof body === 'function'
            ? body
            : () => stringifyJson(body),
    });
  }

  private readJson<T>(res: TransportResponse, api: string): T {
    const text = res.body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch {
      throw new WeChatResponseError('answer is not JSON', api, res.status, snippet(res.body));
    }
    checkErrcode(parsed, api);
    if (res.status < 200 || res.status >= 300) {
      throw new WeChatResponseError('unexpected status', api, res.status, snippet(res.body));
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new WeChatResponseError(
        'answer is not a JSON object',
        api,
        res.status,
        snippet(res.body),
      );
    }
    return parsed as T;
  }
}

function header(res: TransportResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function snippet(body: Buffer): string {
  return body.subarray(0, 200).toString('utf8');
}

function tryParse(body: Buffer): unknown {
  try {
    return parseJson(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function checkErrcode(parsed: unknown, api: string): void {
  if (typeof parsed !== 'object' || parsed === null) return;
  const { errcode, errmsg } = parsed as WeChatResult;
  if (errcode !== undefined && errcode !== 0) {
    throw new WeChatApiError(Number(errcode), String(errmsg ?? ''), api);
  }
}

/** The errcode of an answer that rejects the access token, else `undefined`. */
function tokenErrcode(res: TransportResponse): number | undefined {
  // Cheap pre-check: only JSON error bodies are small and mention errcode.
  if (res.body.length > 4096 || !res.body.includes('errcode')) return undefined;
  const parsed = tryParse(res.body);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const code = (parsed as WeChatResult).errcode;
  return code !== undefined && TOKEN_ERROR_CODES.has(code) ? code : undefined;
}
