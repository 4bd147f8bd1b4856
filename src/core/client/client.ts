// How the client is put together: each API area (menus, tags, drafts…) is a small class that
// reaches WeChat only through an `ApiCaller`, never through a base class. `Client` extends the core
// (token, transport) and composes the areas: its constructor makes one of each, handing them a
// caller bound to itself, and the static block below installs on `Client.prototype` one
// forwarding method per area method, from the `AREAS` table. The interface merge declares those
// methods with their exact, documented signatures (`interface Client extends MenuApi, …`; the
// areas' `#api` is ES-private, so it adds no member). Forwarders on the prototype, rather than
// area objects as properties, keep the API flat (`client.createMenu`), keep every method
// overridable in a subclass, and let calls go through `this`, so an overridden `getAccessToken`
// (or `call`) is used by every area.
import { AccountApi } from './account.js';
import { BlacklistApi } from './blacklist.js';
import { CommentApi } from './comment.js';
import {
  type AppCaller,
  type CallSpec,
  ClientCore,
  type ClientOptions,
  type Query,
  type UploadCallOptions,
} from './core.js';
import { CustomServiceApi } from './custom-service.js';
import { DataCubeApi } from './datacube.js';
// Raw calls, web authorization, JS-SDK (issue 11, items 1-3).
import { JssdkApi } from './jssdk.js';
import { KfSessionApi } from './kf-session.js';
import { MassApi } from './mass.js';
import { MaterialApi } from './material.js';
import type { MediaInput } from './media.js';
import { MediaApi } from './media-methods.js';
import { MenuApi } from './menu.js';
import { MessageApi } from './message.js';
import { OAuthApi } from './oauth.js';
import { PublishApi } from './publish.js';
import { RawApi } from './raw.js';
import { ShortKeyApi } from './short-key.js';
import { SubscribeMessageApi } from './subscribe-message.js';
import { TagApi } from './tag.js';
import { TemplateApi } from './template.js';
import { UserApi } from './user.js';

/** The API areas `Client` is made of. Order does not matter: method names must not clash. */
export const AREAS = [
  MenuApi,
  CustomServiceApi,
  MessageApi,
  TemplateApi,
  MassApi,
  UserApi,
  AccountApi,
  MediaApi,
  MaterialApi,
  TagApi,
  PublishApi,
  // Raw calls, web authorization, JS-SDK.
  RawApi,
  OAuthApi,
  JssdkApi,
  // Issue 11: subscription messages, customer-service sessions, blacklist, short keys, data, comments.
  SubscribeMessageApi,
  KfSessionApi,
  BlacklistApi,
  ShortKeyApi,
  DataCubeApi,
  CommentApi,
] as const;

type AreaClass = (typeof AREAS)[number];

/** A method of an area, called with its area as `this`. */
type AreaMethod = (this: object, ...args: unknown[]) => unknown;

function isMethod(value: unknown): value is AreaMethod {
  return typeof value === 'function';
}

// Declares the area methods installed below; keep this list and AREAS the same.
export interface Client
  extends MenuApi,
    CustomServiceApi,
    MessageApi,
    TemplateApi,
    MassApi,
    UserApi,
    AccountApi,
    MediaApi,
    MaterialApi,
    TagApi,
    PublishApi,
    // Raw calls, web authorization, JS-SDK.
    RawApi,
    OAuthApi,
    JssdkApi,
    // Issue 11: subscription messages, customer-service sessions, blacklist, short keys, data, comments.
    SubscribeMessageApi,
    KfSessionApi,
    BlacklistApi,
    ShortKeyApi,
    DataCubeApi,
    CommentApi {}

/**
 * The WeChat Official Account API client: every API of WeRoBot's `Client` (menus,
 * customer-service and mass messages, users, tags, QR codes, media and material, templates)
 * plus drafts and publishing, subscription messages (订阅通知), template management,
 * customer-service sessions and the typing status, the blacklist, short keys, data analysis
 * (数据统计) and article comments, as camelCase async methods; web authorization
 * (`oauthAuthorizeUrl`, `exchangeOAuthCode`…), the JS-SDK (`jssdkConfig`, `getJsapiTicket`), and
 * any other API by its path (`get`, `post`, `upload`, `download`) with the same token handling and
 * errors.
 *
 * Every method gets its access token through {@link Client.getAccessToken}, which caches the
 * token until 60 s before it expires and shares one refresh among concurrent callers. When
 * WeChat rejects a token (40001, 40014, 42001) the client drops it, fetches another and
 * retries the call once. A non-zero `errcode` throws {@link WeChatApiError}; a failed
 * connection, a timeout or a non-JSON answer throw too, so a call never resolves with an
 * error body. 64-bit ids (`msg_id`, `msg_data_id`, `publish_id`, `msgid`) come back as strings.
 *
 * @example
 * ```ts
 * import { Client, WeChatApiError } from 'zgrobot';
 *
 * const client = new Client({ appId: 'wx…', appSecret: '…' });
 * await client.createMenu({
 *   button: [{ type: 'click', name: '今日歌曲', key: 'music' }],
 * });
 * try {
 *   await client.sendTextMessage(openId, '你好', undefined, { timeout: 5000 });
 * } catch (error) {
 *   if (error instanceof WeChatApiError) console.error(error.errcode, error.errmsg);
 * }
 * await client.close();
 * ```
 *
 * @example Custom token storage (as in WeRoBot's Q&A): override `getAccessToken`.
 * ```ts
 * class MyClient extends Client {
 *   override async getAccessToken(): Promise<string> {
 *     return (await myCache.get('token')) ?? super.getAccessToken();
 *   }
 * }
 * ```
 */
export class Client extends ClientCore {
  /** This client's instance of each area, all calling WeChat through this client. */
  readonly #areas: ReadonlyMap<AreaClass, object>;

  constructor(options: ClientOptions) {
    super(options);
    // Arrows, so that a subclass's `call` (and through it `getAccessToken`) is the one used.
    const api: AppCaller = {
      call: <T>(spec: CallSpec) => this.call<T>(spec),
      download: (spec: CallSpec) => this.callDownload(spec),
      upload: <T>(
        path: string,
        media: MediaInput,
        query: Query,
        options: UploadCallOptions | undefined,
        fields?: Record<string, string>,
      ) => this.callUpload<T>(path, media, query, options, fields),
      appId: this.appId,
      appSecret: this.appSecret,
      openBaseUrl: this.openBaseUrl,
      // Through `this`, so an overridden getJsapiTicket/getCardTicket is the one used.
      ticket: (type) => (type === 'jsapi' ? this.getJsapiTicket() : this.getCardTicket()),
    };
    this.#areas = new Map(AREAS.map((Area) => [Area, new Area(api)]));
  }

  static {
    for (const Area of AREAS) {
      for (const name of Object.getOwnPropertyNames(Area.prototype)) {
        if (name === 'constructor') continue;
        if (name in Client.prototype) throw new Error(`Client: two areas define ${name}`);
        const method: unknown = Object.getOwnPropertyDescriptor(Area.prototype, name)?.value;
        if (!isMethod(method)) continue;
        const forward = function (this: Client, ...args: unknown[]): unknown {
          return method.apply(this.#areas.get(Area)!, args);
        };
        Object.defineProperty(forward, 'name', { value: name });
        // Non-enumerable and writable, like a method written in the class body.
        Object.defineProperty(Client.prototype, name, {
          value: forward,
          writable: true,
          configurable: true,
        });
      }
    }
  }
}
