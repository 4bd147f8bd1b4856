import compose from 'koa-compose';
import { Account } from '../src/core/accounts/account.js';
import { AccountRegistry } from '../src/core/accounts/registry.js';
import { Client } from '../src/core/client/client.js';
import { defaultLogger } from '../src/core/console-logger.js';
import { PipelineError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import type { AnyMessage } from '../src/core/messages/types.js';
import type { EncryptMode } from '../src/core/security/encrypt-mode.js';
import { MemoryNonceStore, type NonceStore } from '../src/core/security/nonce-store.js';
import { DEFAULT_TIMESTAMP_WINDOW } from '../src/core/security/timestamp.js';
import type { SessionData, SessionStorage } from '../src/core/session/storage.js';
import type { TrackTurn } from '../src/core/turn/pending-turns.js';
import { type AccountsOptions, resolveAccount } from './account.js';
import { body } from './body.js';
import type { Stage } from './context.js';
import { decrypt } from './decrypt.js';
import { type DedupeOptions, dedupe } from './dedupe.js';
import { encrypt } from './encrypt.js';
import { errorBoundary } from './error-boundary.js';
import type { ErrorPage } from './error-page.js';
import type { CustomerServiceClient, LateReplyMode, SendLateReply } from './late-reply.js';
import { parse } from './parse.js';
import { releaseCheck } from './release-check.js';
import { render } from './render.js';
import { router } from './router.js';
import type { Router } from './routes.js';
import { session } from './session.js';
import { stateOf, type WechatContext, type WechatMiddleware } from './state.js';
import { turn } from './turn.js';
import { verify } from './verify.js';

/** Everything {@link pipeline} needs. */
export interface PipelineConfig {
  /** The token set in the WeChat admin console; needed unless `accounts` is given. */
  token?: string;
  /** The routes to run. */
  routes: Router;
  /** AppID; with `encodingAESKey`, turns on safe mode (encrypted messages). */
  appId?: string;
  /**
   * The 43-character EncodingAESKey; checked here, not on the first message. During a rotation,
   * a list, the newest first: each message is decrypted with the key it came with and its reply
   * encrypted with that key.
   */
  encodingAESKey?: string | readonly string[];
  /**
   * Serve many accounts: each request's account is found (by path, `ToUserName` or your
   * resolver) and its token, keys, session and dedup keys and API client are used; `token`,
   * `appId`, `encodingAESKey` and `encryptMode` are then not used. See docs/multi-account.md.
   */
  accounts?: AccountsOptions;
  /**
   * The registry of `accounts` (their API clients): pass your own to close its clients when you
   * stop (`registry.close()`); default a new one.
   */
  accountRegistry?: AccountRegistry;
  /**
   * The admin page's 消息加解密方式: `'safe'` (安全模式, encrypted requests only: a plaintext POST
   * gets 403), `'compatible'` (兼容模式, both; each gets a reply like itself) or `'plain'` (明文模式).
   * Default `'safe'` when `encodingAESKey` is set, else `'plain'`. `'safe'` and `'compatible'`
   * without a key throw here. The GET URL check is answered in every mode.
   */
  encryptMode?: EncryptMode;
  /**
   * How far a request's `timestamp` may be from now, in seconds, either way (default 300); past it
   * the request gets 403. `0` or `false` turns the check off.
   */
  timestampWindow?: number | false;
  /**
   * The replay check: signed POSTs are remembered (timestamp + nonce + signature → body digest)
   * for twice the timestamp window, and a repeat with another body gets 403. Default: a
   * {@link MemoryNonceStore}; a `RedisNonceStore` when several instances serve one account;
   * `false` turns it off.
   */
  nonceStore?: NonceStore | false;
  /** Where sessions live; `false` or absent turns sessions off. */
  sessionStorage?: SessionStorage | false;
  /** The session key of a message (default `account:user`). */
  getSessionKey?: (message: AnyMessage) => string;
  /** The session of a user who has none yet, and of every turn when sessions are off (default `{}`). */
  initialSession?: () => SessionData;
  /** Handler deadline in ms before answering `success` (default 4500). */
  replyTimeout?: number;
  /** Largest body accepted, in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Milliseconds a request body may take to arrive (default 10 000); past it, 408 and the
   * connection is dropped: a guard against slow clients in servers that are not `robot.run()`'s.
   */
  bodyTimeout?: number;
  /** The page answered on a bad signature. */
  errorPage?: ErrorPage;
  /** Your own middleware, run after the message is parsed and before the session loads. */
  middleware?: readonly WechatMiddleware[];
  /**
   * Retry dedup (on by default, with a memory store): each message is handled once however often
   * WeChat sends it. `false` turns it off; `{ store }` picks the store (a `RedisDedupeStore` when
   * several instances serve one account), `window` how long messages are remembered (ms, ≥ 20 000).
   */
  dedupe?: false | Omit<DedupeOptions, 'logger'>;
  /**
   * What to do with a reply the handlers produce after the bot answered `success` (past
   * `replyTimeout` or after `ctx.wechat.defer()`) when no WeChat retry took it. Default:
   * `'customer-service'` when `client` or `sendLateReply` is given, else `'drop'` (logged).
   */
  lateReply?: LateReplyMode;
  /**
   * The API client late replies are sent with (its 客服 message methods); a `Client` is also
   * `ctx.wechat.client`. With `accounts`, each account's own client is used instead.
   */
  client?: CustomerServiceClient;
  /** Sends a late reply your own way; wins over `client`. */
  sendLateReply?: SendLateReply;
  /** Milliseconds from arrival until `ctx.wechat.signal` aborts (default 14 500). */
  finalDeadline?: number;
  /** Told of every turn until it is over: a `PendingTurns`'s `track`, for a graceful shutdown. */
  trackTurn?: TrackTurn;
  /**
   * Show "正在输入" to the user while a late or deferred turn still works, until its late reply
   * has gone out (then cancelled); needs `client`. `{ refreshEvery }` sets how often it is shown
   * again (ms, default 14 000).
   */
  typing?: boolean | { refreshEvery?: number };
  logger?: Logger;
}

/**
 * All stages in the right order, as one Koa middleware:
 * errorBoundary → (resolveAccount, with `accounts`) → verify → encrypt → body → decrypt → parse → turn → dedupe → (yours) → session
 * → render → router.
 *
 * @throws {InvalidEncodingAESKeyError} at once for a malformed EncodingAESKey.
 * @throws {PipelineError} for `encryptMode` `'safe'` or `'compatible'` without an EncodingAESKey.
 *
 * @example
 * ```ts
 * const routes = new Router().text((ctx) => ctx.wechat.message.content);
 * new Koa().use(pipeline({ token: 'tokenhere', routes })).listen(8888);
 * ```
 */
export function pipeline(config: PipelineConfig): Stage {
  const settings = resolveSettings(config);
  // Every stage gets the one settings object and takes what it needs from it.
  const stages: Stage[] = [errorBoundary(settings)];
  if (settings.accounts) {
    stages.push(
      resolveAccount({
        accounts: settings.accounts,
        registry: settings.registry,
        bodyLimit: config.bodyLimit,
        bodyTimeout: config.bodyTimeout,
        logger: settings.logger,
      }),
    );
  }
  stages.push(
    verify(settings),
    encrypt(settings),
    body(settings),
    decrypt(settings),
    parse(settings),
    turn(settings),
  );
  if (config.dedupe !== false) stages.push(dedupe({ ...config.dedupe, logger: settings.logger }));
  const component = config.accounts?.component;
  if (component && component.releaseCheck !== false)
    stages.push(ownStage(releaseCheck(component.component)));
  for (const own of config.middleware ?? []) stages.push(ownStage(own));
  const initial = config.initialSession;
  if (config.sessionStorage) {
    stages.push(
      session({
        storage: config.sessionStorage,
        getSessionKey: config.getSessionKey,
        initial,
        logger: settings.logger,
      }),
    );
  } else if (initial) {
    // Sessions off: every turn starts from the initial session, never saved.
    stages.push((ctx, next) => {
      stateOf(ctx).session = initial();
      return next();
    });
  }
  stages.push(render(), router(config.routes, settings));
  return compose(stages);
}

/** The pipeline's settings, resolved once: what `config` leaves out filled in, the account made. */
function resolveSettings(config: PipelineConfig) {
  const window = config.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW;
  // The default logger is picked now, so a bad ZGROBOT_LOG_LEVEL fails here.
  const logger = config.logger ?? defaultLogger();
  const { accounts } = config;
  const registry = accounts
    ? (config.accountRegistry ?? new AccountRegistry({ ...accounts, logger }))
    : undefined;
  const account = accounts ? undefined : singleAccount(config);
  return Object.freeze({
    ...config,
    logger,
    registry,
    // One account: its token and keys, checked now; with `accounts`, each request finds its own.
    // Either way the request's account (put there by verify() or resolveAccount()) is where the
    // stages take the token, keys and mode from: their own fallbacks stay empty.
    account,
    token: '',
    crypt: undefined,
    encryptMode: undefined,
    // With `accounts`, late replies go out with each account's client.
    accountClients: accounts !== undefined,
    timestampWindow: window,
    nonceStore: config.nonceStore ?? new MemoryNonceStore(),
    // A timestamp passes from `window` before to `window` after it: remember it that long.
    nonceTtl: 2 * (window || DEFAULT_TIMESTAMP_WINDOW) * 1000,
  });
}

/**
 * The one account of a pipeline without `accounts`: its key prefix stays `ToUserName` (scope
 * `undefined`), its client is `config.client` when that is a whole `Client`.
 *
 * @throws {PipelineError} without a token; {@link InvalidEncodingAESKeyError} for a bad key.
 */
function singleAccount(config: PipelineConfig): Account {
  if (typeof config.token !== 'string' || config.token === '') {
    throw new PipelineError('pipeline() needs a token (or accounts)');
  }
  const { client } = config;
  const whole = client instanceof Client ? client : undefined;
  return new Account(
    {
      appId: config.appId ?? '',
      token: config.token,
      encodingAESKey: config.encodingAESKey,
      encryptMode: config.encryptMode,
    },
    { scoped: false, client: () => whole },
  );
}

/** A middleware written against `ctx.wechat` as a stage of the pipeline. */
function ownStage(own: WechatMiddleware): Stage {
  return async (ctx, next) => {
    await own(ctx as WechatContext, next);
  };
}
