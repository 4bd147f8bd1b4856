import type { Client } from '../client/client.js';
import { KeyRing } from '../crypto/key-ring.js';
import { PipelineError } from '../errors.js';
import { type EncryptMode, resolveEncryptMode } from '../security/encrypt-mode.js';

/**
 * An Official Account served directly: the values of its admin page (开发 → 基本配置).
 *
 * @example
 * ```ts
 * const shop: DirectAccount = {
 *   appId: 'wx0123456789abcdef',
 *   originalId: 'gh_0123456789ab',
 *   token: 'tokenhere',
 *   encodingAESKey: ['newKey…43 characters', 'oldKey…43 characters'],
 *   appSecret: process.env.SHOP_SECRET,
 * };
 * ```
 */
export interface DirectAccount {
  /** The AppID: names the account in `/wechat/:appId`, in session and dedup keys and in logs. */
  appId: string;
  /** The 原始ID (`gh_…`), the `ToUserName` of its messages: needed to find it by `ToUserName`. */
  originalId?: string;
  /** The token of its server configuration. */
  token: string;
  /**
   * Its EncodingAESKey; during a rotation a list, the newest first: a message is decrypted with
   * the key it came with and answered with the same key.
   */
  encodingAESKey?: string | readonly string[];
  /** Its 消息加解密方式; default `'safe'` with a key, else `'plain'`. */
  encryptMode?: EncryptMode;
  /** Its AppSecret: gives handlers `ctx.wechat.client` and late replies. */
  appSecret?: string;
  /** Anything of your own (a tenant id…): handlers read it from `ctx.wechat.account.config`. */
  data?: unknown;
}

/**
 * What an account authorized through the Open Platform (第三方平台) needs of its component: the
 * component's message token and key (its authorizers' messages come encrypted with them) and an
 * API client acting for the authorizer. A `Component` is one.
 */
export interface AccountComponent {
  /** The component's AppID: the AppID its messages are encrypted for. */
  readonly appId: string;
  /** The component's message token (消息校验 Token). */
  readonly token: string;
  /** The component's keys (for its AppID), newest first. */
  readonly keys: KeyRing;
  /** A client calling the API with the authorizer's access token. */
  authorizerClient(authorizerAppId: string): Client;
}

/**
 * An Official Account that authorized a component (第三方平台): its messages come signed and
 * encrypted with the component's token and key, and its API calls use the authorizer token.
 *
 * @example
 * ```ts
 * const account: AuthorizedAccount = { appId: 'wxAuthorizer', component };
 * ```
 */
export interface AuthorizedAccount {
  /** The authorizer's AppID. */
  appId: string;
  /** The authorizer's 原始ID (`gh_…`), for finding it by `ToUserName`. */
  originalId?: string;
  /** The component it authorized. */
  component: AccountComponent;
  /** Anything of your own: handlers read it from `ctx.wechat.account.config`. */
  data?: unknown;
}

/** One account a multi-account pipeline serves. */
export type AccountConfig = DirectAccount | AuthorizedAccount;

/** Makes the API client of a direct account with an AppSecret; the registry caches it. */
export type DirectClientFactory = (account: DirectAccount & { appSecret: string }) => Client;

/**
 * An account as the pipeline serves it: its configuration, checked once, with its keys ready.
 * Handlers read it as `ctx.wechat.account`.
 */
export class Account {
  /** The AppID. */
  readonly appId: string;
  /** The 原始ID (`gh_…`), when known. */
  readonly originalId: string | undefined;
  /** What it was made from: your {@link AccountConfig} (or the single account's settings). */
  readonly config: AccountConfig;
  /** The token that signs its requests. */
  readonly token: string;
  /** Its keys, newest first; `undefined` in plain mode. */
  readonly keys: KeyRing | undefined;
  /** Which requests it accepts. */
  readonly encryptMode: EncryptMode;
  /**
   * The prefix of its session and dedup keys: its AppID when the pipeline serves several
   * accounts; `undefined` for a pipeline of one (keys then start with `ToUserName`, as always).
   */
  readonly scope: string | undefined;
  readonly #client: (() => Client | undefined) | undefined;

  /**
   * @throws PipelineError for a missing AppID or token, or an encryptMode that needs a key.
   * @throws InvalidEncodingAESKeyError for a malformed key.
   */
  constructor(
    config: AccountConfig,
    options: { scoped: boolean; client?: () => Client | undefined },
  ) {
    // A pipeline of one may leave its AppID out (plain mode); an account among several may not.
    if (!config || typeof config.appId !== 'string' || (options.scoped && config.appId === '')) {
      throw new PipelineError('an account needs its appId');
    }
    this.appId = config.appId;
    this.originalId = config.originalId;
    this.config = config;
    this.scope = options.scoped ? config.appId : undefined;
    this.#client = options.client;
    if ('component' in config) {
      const { component } = config;
      this.token = component.token;
      // Authorizers' messages are encrypted for the component's AppID, with its keys.
      this.keys = component.keys;
      this.encryptMode = 'safe';
      return;
    }
    if (typeof config.token !== 'string' || config.token === '') {
      throw new PipelineError(`account ${config.appId} needs its token`);
    }
    this.token = config.token;
    const { encodingAESKey } = config;
    this.keys =
      encodingAESKey === undefined || encodingAESKey.length === 0
        ? undefined
        : new KeyRing({ token: config.token, appId: config.appId, encodingAESKey });
    this.encryptMode = resolveEncryptMode(config.encryptMode, this.keys !== undefined);
  }

  /**
   * The API client acting for this account: an authorizer's from its component, a direct
   * account's made from its AppSecret (one per account, kept by the pipeline).
   *
   * @throws PipelineError when the account has neither an AppSecret nor a component.
   */
  get client(): Client {
    const client = this.#client?.();
    if (!client) {
      throw new PipelineError(
        `account ${this.appId} has no API client: give it an appSecret (or serve it through a component)`,
      );
    }
    return client;
  }

  /**
   * What a log line or `JSON.stringify` shows of it: never the token, the keys or an AppSecret
   * (`config` may hold one).
   */
  toJSON(): { appId: string; originalId: string | undefined; encryptMode: EncryptMode } {
    return { appId: this.appId, originalId: this.originalId, encryptMode: this.encryptMode };
  }

  /** `console.log(account)` and `util.inspect` show what {@link Account.toJSON} shows. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Account ${JSON.stringify(this.toJSON())}`;
  }

  /** Whether {@link Account.client} has one to give. */
  get hasClient(): boolean {
    return this.#client?.() !== undefined;
  }
}
