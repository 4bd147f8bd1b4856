import type { Account, AccountConfig } from '../src/core/accounts/account.js';
import { AccountRegistry, type AccountRegistryOptions } from '../src/core/accounts/registry.js';
import { checkSignature } from '../src/core/crypto/signature.js';
import type { Logger } from '../src/core/logger.js';
import { rootChildText } from '../src/core/messages/xml.js';
import type { Component } from '../src/core/open-platform/component.js';
import { readBody } from './body.js';
import { type ComponentEventsOptions, componentEvents } from './component-events.js';
import type { HttpContext, Stage } from './context.js';
import { queryParam, stateOf } from './state.js';

/** What an account is found by: the request's path, or the message's `ToUserName`. */
export type AccountKeyKind = 'path' | 'toUserName';

/** How accounts are found unless `accounts.by` says otherwise. */
export const DEFAULT_ACCOUNT_KEY: AccountKeyKind = 'path';
/** The last path segment of a component's authorization events unless `eventsKey` says otherwise. */
export const DEFAULT_EVENTS_KEY = 'component';

/** What an {@link AccountResolver} is asked. */
export interface AccountLookup {
  /** What `key` is. */
  by: AccountKeyKind;
  /**
   * The last segment of the path (`wx…` for `/wechat/wx…`), or the message's `ToUserName` (the
   * 原始ID, `gh_…`); `undefined` when the request has none (a GET URL check by `ToUserName`).
   */
  key: string | undefined;
  /** The request, for anything else (a header, the host). */
  ctx: HttpContext;
}

/**
 * Finds the account of a request that no listed account matched, e.g. in your database. May be
 * async; `undefined` means unknown (404). What it throws is logged and answered `success`.
 */
export type AccountResolver = (
  lookup: AccountLookup,
) => AccountConfig | undefined | Promise<AccountConfig | undefined>;

/**
 * The `accounts` option: one pipeline serving many Official Accounts, each request answered with
 * its own account's token, keys, sessions, dedup and API client.
 *
 * @example
 * ```ts
 * const accounts: AccountsOptions = {
 *   by: 'path', // mounted at /wechat/:appId
 *   list: [
 *     { appId: 'wxaaaaaaaaaaaaaaaa', token: 'tokenA', appSecret: 'secretA' },
 *     { appId: 'wxbbbbbbbbbbbbbbbb', token: 'tokenB', encodingAESKey: [newKey, oldKey] },
 *   ],
 * };
 * ```
 */
export interface AccountsOptions extends Omit<AccountRegistryOptions, 'logger'> {
  /**
   * `'path'` (default): the path's last segment is the AppID: mount the bot at `/wechat/:appId`.
   * `'toUserName'`: the message's `ToUserName` is the account's `originalId`, so all accounts can
   * share one URL (the body is read before the signature check, within `bodyLimit`; a GET URL
   * check is matched to the listed account whose token signs it).
   */
  by?: AccountKeyKind;
  /** Asked when no listed account matches. */
  resolve?: AccountResolver;
  /**
   * Serve the accounts authorized to an Open Platform component (第三方平台) too: a path that
   * neither `list` nor `resolve` knows is taken as an authorizer's AppID (its messages are signed
   * and encrypted with the component's token and key, which only WeChat and you hold), and the
   * component's authorization events are answered at the path `…/<eventsKey>`. Needs `by: 'path'`.
   */
  component?: ComponentAccountsOptions;
}

/**
 * The `component` of {@link AccountsOptions}: the component, its authorization-event handlers
 * (see {@link componentEvents}), where its events arrive, and the release check.
 *
 * @example
 * ```ts
 * const accounts: AccountsOptions = {
 *   component: {
 *     component, // new Component({ appId, appSecret, token, encodingAESKey })
 *     onAuthorized: (event) => component.queryAuth(event.authorizationCode),
 *   },
 * }; // 授权事件接收URL: /wechat/component; 消息与事件接收URL: /wechat/$APPID$
 * ```
 */
export interface ComponentAccountsOptions
  extends Omit<ComponentEventsOptions, 'component' | 'logger' | 'bodyLimit' | 'bodyTimeout'> {
  component: Component;
  /**
   * The last path segment of the 授权事件接收URL (default `'component'`: `/wechat/component` beside
   * the 消息与事件接收URL `/wechat/$APPID$`).
   */
  eventsKey?: string;
  /**
   * Answer 全网发布检测 (the release check's scripted messages) for WeChat's test accounts with
   * `releaseCheck()`; default `true`. Other accounts never see it.
   */
  releaseCheck?: boolean;
}

/** Options of {@link resolveAccount}. */
export interface ResolveAccountOptions {
  accounts: AccountsOptions;
  /** The registry to use (default: one made from `accounts`). */
  registry?: AccountRegistry;
  bodyLimit?: number;
  bodyTimeout?: number;
  logger?: Logger;
}

/**
 * Finds the account a request is for and puts it on `ctx.wechat.account`, where the later stages
 * take its token (verify), its keys (decrypt, encrypt), its key prefix (session, dedup) and its
 * client (late replies, `ctx.wechat.client`). An unknown account gets 404; a resolver that throws
 * is logged and answered `success` (WeChat would only retry into the same failure).
 *
 * @example
 * ```ts
 * app.use(resolveAccount({ accounts })).use(verify({ token: '' })) // verify uses the account's token
 * ```
 */
export function resolveAccount(options: ResolveAccountOptions): Stage {
  const { accounts } = options;
  const by = accounts.by ?? DEFAULT_ACCOUNT_KEY;
  const registry = options.registry ?? new AccountRegistry(accounts);
  const component = accounts.component;
  if (component && by !== 'path') {
    throw new TypeError("accounts: a component's authorizers are found by path (by: 'path')");
  }
  const eventsKey = component?.eventsKey ?? DEFAULT_EVENTS_KEY;
  const events =
    component &&
    componentEvents({
      ...component,
      ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
      ...(options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout }),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    const logger = options.logger ?? state.logger;
    let key = by === 'path' ? lastSegment(ctx.path) : undefined;
    if (events && key === eventsKey) return events(ctx, next);
    if (ctx.method !== 'GET' && ctx.method !== 'POST') return next(); // verify() answers 405
    if (by === 'toUserName') key = await toUserName(ctx, options);
    let account = key === undefined ? undefined : findListed(registry, by, key);
    if (account === undefined && key === undefined && ctx.method === 'GET') {
      account = signerOf(ctx, registry.listed); // a URL check carries no ToUserName
    }
    if (account === undefined && accounts.resolve) {
      try {
        const config = await accounts.resolve({ by, key, ctx });
        account = config === undefined ? undefined : registry.accountOf(config);
      } catch (error) {
        logger.error(
          { method: ctx.method, path: ctx.path, ip: ctx.ip, by, key, err: error },
          'zgrobot: the account resolver failed; answered success',
        );
        ctx.status = 200;
        ctx.type = 'text/plain';
        ctx.body = 'success';
        return;
      }
    }
    if (account === undefined && component && key !== undefined) {
      account = registry.authorizerOf(key, component.component);
    }
    if (account === undefined) {
      logger.warn(
        { method: ctx.method, path: ctx.path, ip: ctx.ip, by, key },
        'zgrobot: refused a request for an unknown account',
      );
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'unknown account';
      return;
    }
    state.account = account;
    return next();
  };
}

function findListed(
  registry: AccountRegistry,
  by: AccountKeyKind,
  key: string,
): Account | undefined {
  return by === 'path' ? registry.byAppId(key) : registry.byOriginalId(key);
}

/** The path's last non-empty segment, decoded; `undefined` for `/` or a malformed escape. */
function lastSegment(path: string): string | undefined {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  const start = path.lastIndexOf('/', end - 1) + 1;
  if (start >= end) return undefined;
  try {
    return decodeURIComponent(path.slice(start, end));
  } catch {
    return undefined;
  }
}

/**
 * A POST's `ToUserName`: plain messages and encrypted envelopes both carry it in the clear.
 *
 * @throws {WechatError} 400 for malformed XML, 413/408 for a body too large or too slow.
 */
async function toUserName(
  ctx: HttpContext,
  options: ResolveAccountOptions,
): Promise<string | undefined> {
  if (ctx.method !== 'POST') return undefined;
  const body = await readBody(ctx, options.bodyLimit, options.bodyTimeout);
  const name = rootChildText(body, 'ToUserName');
  return name === '' ? undefined : name;
}

/** The listed account whose token signs this request, if one does. */
function signerOf(ctx: HttpContext, listed: readonly Account[]): Account | undefined {
  const timestamp = queryParam(ctx, 'timestamp');
  const nonce = queryParam(ctx, 'nonce');
  const signature = queryParam(ctx, 'signature');
  return listed.find((account) =>
    checkSignature({ token: account.token, timestamp, nonce, signature }),
  );
}
