import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type Koa from 'koa';
import {
  type AccountsOptions,
  DEFAULT_ACCOUNT_KEY,
  DEFAULT_EVENTS_KEY,
} from '../middleware/account.js';
import type { HttpContext, Stage } from '../middleware/context.js';
import type { ErrorPage } from '../middleware/error-page.js';
import type { CustomerServiceClient } from '../middleware/late-reply.js';
import { pipeline } from '../middleware/pipeline.js';
import { Router } from '../middleware/routes.js';
import type { WechatMiddleware } from '../middleware/state.js';
import { Config, type ConfigValues } from './config.js';
import { AccountRegistry } from './core/accounts/registry.js';
import { Client } from './core/client/client.js';
import { defaultLogger } from './core/console-logger.js';
import { encodingAESKeys, KeyRing } from './core/crypto/key-ring.js';
import { checkSignature } from './core/crypto/signature.js';
import { MemoryDedupeStore } from './core/dedupe/memory.js';
import { PipelineError, SignatureError, WechatError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { messageFromElement, parseMessage } from './core/messages/parse.js';
import type { AnyMessage } from './core/messages/types.js';
import { parseXml } from './core/messages/xml.js';
import { resolveEncryptMode } from './core/security/encrypt-mode.js';
import { MemoryNonceStore } from './core/security/nonce-store.js';
import { SQLiteStorage } from './core/session/sqlite.js';
import type { SessionData, SessionStorage } from './core/session/storage.js';
import { PendingTurns } from './core/turn/pending-turns.js';
import { type FetchRequestInfo, handleFetch } from './fetch.js';
import { handleNode, type NodeHandlerOptions } from './node-context.js';
import { createLimitedServer } from './server.js';
import type { ServerLimits } from './server-limits.js';
import { exitOnSignals, type StopServer, stoppable } from './shutdown.js';
import { buildMessageRequest } from './wechat-request.js';

/** The session of a {@link ZgRoBot}: its shape and how a user's is found. */
export interface RobotSessionOptions<S extends object> {
  /**
   * The session of a user who has none yet (and of every turn when sessions are off or the
   * storage is down). Default: `{}`.
   */
  initial?: () => S;
  /** The key of a message's session (default `account:user`). */
  getSessionKey?: (message: AnyMessage) => string;
}

/**
 * Your own step in the robot's pipeline, between parsing and the session (`robot.use(mw)`): it
 * sees the parsed message. Set `ctx.wechat.reply` and skip `next()` to answer without the
 * handlers (a rate limiter), or await `next()` and look at the reply after.
 */
export type RobotMiddleware<S extends object = SessionData> = WechatMiddleware<S>;

/** Where the message to {@link ZgRoBot.parseMessage} was signed: the request's query. */
export interface SignedBody {
  timestamp?: string;
  nonce?: string;
  /** `msg_signature`, for an encrypted body. */
  msgSignature?: string;
}

/** Options of {@link ZgRoBot}: any setting of {@link ConfigValues}, or a whole `config`. */
export interface ZgRoBotOptions<S extends object = SessionData> extends Partial<ConfigValues> {
  /**
   * A prepared config. When given, it wins: every other setting is ignored (as in WeRoBot);
   * `logger` and `session` still apply.
   */
  config?: Config;
  /** Where the robot logs (default: a pretty console logger at `info`). */
  logger?: Logger;
  /**
   * The session's shape and key. With `initial`, handlers read `ctx.wechat.session` as `S`.
   *
   * @example
   * ```ts
   * const robot = new ZgRoBot({ token, session: { initial: () => ({ count: 0 }) } });
   * robot.text((ctx) => `第 ${++ctx.wechat.session.count} 条`); // count: number
   * ```
   */
  session?: RobotSessionOptions<S>;
  /**
   * Serve many Official Accounts with one robot: each request's account is found by its path
   * (`/wechat/:appId`), its `ToUserName` or your resolver, and answered with that account's
   * token, keys, sessions, dedup and API client (`ctx.wechat.account`, `ctx.wechat.client`).
   * `token`, `appId`, `encodingAESKey` and `encryptMode` of the config are then not used. See
   * docs/multi-account.md.
   *
   * @example
   * ```ts
   * const robot = new ZgRoBot({
   *   accounts: { list: [{ appId: 'wxaaaaaaaaaaaaaaaa', token: 'tokenA' }, { appId: 'wxbbbbbbbbbbbbbbbb', token: 'tokenB' }] },
   * });
   * robot.text((ctx) => `${ctx.wechat.account.appId}: ${ctx.wechat.message.content}`);
   * ```
   */
  accounts?: AccountsOptions;
}

/**
 * Options of {@link ZgRoBot.run}; defaults come from the config. The {@link ServerLimits}
 * (`headersTimeout`, `requestTimeout`, `keepAliveTimeout`, `connectionsCheckingInterval`,
 * `maxConnections`) bound slow clients and connections.
 */
export interface RunOptions extends Partial<ServerLimits> {
  host?: string;
  port?: number;
  /**
   * The signals on which the robot shuts down gracefully and the process exits (see
   * {@link ZgRoBot.close}): default `['SIGTERM', 'SIGINT']`. `false` installs no handler: the
   * process then handles its signals itself (and should call `robot.close()` before it exits).
   */
  shutdownSignals?: readonly NodeJS.Signals[] | false;
}

type BuiltPipeline = { key: readonly unknown[]; middleware: Stage };

/**
 * The robot: WeRoBot's API on top of the pipeline. Register handlers with one method per kind
 * (`text`, `subscribe`, `click`, …), `filter`, `keyClick`, `addHandler`; then `run()` it, or
 * mount `callback()` / `middleware()` in your own server.
 *
 * Settings come from, weakest first: the defaults, `ZGROBOT_*` environment variables,
 * the constructor's options; a `config` passed to the constructor is used as it is.
 *
 * @example
 * ```ts
 * import { ZgRoBot } from 'zgrobot';
 *
 * const robot = new ZgRoBot({ token: 'tokenhere' });
 * robot.handler(() => 'Hello World!');
 * robot.config.host = '0.0.0.0';
 * robot.config.port = 80;
 * await robot.run();
 * ```
 */
export class ZgRoBot<S extends object = SessionData> extends Router<S> {
  /** The settings; change them before the first request (a change is picked up on the next one). */
  readonly config: Config;
  /** Where the robot logs. */
  logger: Logger;
  #errorPage: ErrorPage | undefined;
  #built: BuiltPipeline | undefined;
  #defaultStorage: SessionStorage | undefined;
  #client: { client: Client; appId: string; appSecret: string } | undefined;
  readonly #session: RobotSessionOptions<S>;
  readonly #accounts: AccountsOptions | undefined;
  /** The API clients of `accounts`, made when the pipeline is first built. */
  #registry: AccountRegistry | undefined;
  /**
   * The default memory stores of dedup and the replay check, kept across rebuilds of the pipeline:
   * a settings change (a key rotation through `robot.config`) must not forget a message, or its
   * retry would run the handlers again.
   */
  #memoryDedupe: MemoryDedupeStore | undefined;
  #memoryNonces: MemoryNonceStore | undefined;
  /** The safe-mode keys of `parseMessage` and `getEncryptedReply`, and what they were made from. */
  #keyRing: { token: string; appId: string; keys: string; ring: KeyRing } | undefined;
  /** `robot.use()` middleware, in order; replaced (not changed) so a built pipeline keeps its own. */
  #middleware: readonly RobotMiddleware<S>[] = [];
  /** The turns going on (late ones included), for `close()` to wait for. */
  readonly #turns = new PendingTurns();
  /** How to stop the servers `run()` started. */
  #servers: StopServer[] = [];
  #removeSignalHandlers: (() => void) | undefined;

  constructor(options: ZgRoBotOptions<S> = {}) {
    super();
    const { config, logger, session, accounts, ...values } = options;
    this.config = config ?? Config.fromEnv().fromObject(values);
    this.logger = logger ?? defaultLogger();
    this.#session = session ?? {};
    this.#accounts = accounts;
  }

  /**
   * Adds your own middleware between parsing and the session (logging, rate limiting, metrics),
   * run in the order added; or, given routers, adds their handlers after this robot's.
   *
   * @example
   * ```ts
   * robot.use(async (ctx, next) => {
   *   if (tooMany(ctx.wechat.message.source)) {
   *     ctx.wechat.reply = '您发得太快了，请稍后再试';
   *     return; // the handlers do not run
   *   }
   *   await next();
   * });
   * ```
   */
  override use(...items: (RobotMiddleware<S> | Router<S>)[]): this {
    for (const item of items) {
      if (item instanceof Router) super.use(item);
      else if (typeof item === 'function') this.#middleware = [...this.#middleware, item];
      else throw new TypeError('robot.use() takes middleware functions or routers');
    }
    return this;
  }

  /**
   * Reads a message from a request body, decrypting it when it is encrypted (WeRoBot's
   * `parse_message(body, timestamp, nonce, msg_signature)`), for driving the bot without HTTP:
   * a queue, a serverless function. An encrypted body needs the request's `timestamp`, `nonce`
   * and `msg_signature`; in safe mode a plaintext body is refused.
   *
   * @throws {SignatureError} for a wrong or missing `msg_signature`, or plaintext in safe mode.
   * @throws {DecryptError} for a broken ciphertext; {@link XmlParseError} for malformed XML.
   * @example
   * ```ts
   * const message = robot.parseMessage(body, { timestamp, nonce, msgSignature });
   * ```
   */
  parseMessage(body: string, signed: SignedBody = {}): AnyMessage {
    const crypt = this.#crypt();
    const element = parseXml(body);
    const encrypt = element.Encrypt;
    if (typeof encrypt === 'string' && encrypt !== '') {
      if (!crypt) {
        throw new WechatError('an encrypted message needs config.encodingAESKey', { status: 400 });
      }
      const { timestamp, nonce, msgSignature } = signed;
      if (timestamp === undefined || nonce === undefined || msgSignature === undefined) {
        throw new SignatureError('timestamp, nonce and msgSignature are needed to decrypt');
      }
      return parseMessage(crypt.decryptMessage({ encrypt, timestamp, nonce, msgSignature }).xml);
    }
    if (resolveEncryptMode(this.config.encryptMode, crypt !== undefined) === 'safe') {
      throw new SignatureError("a plaintext message is refused in encryptMode 'safe'");
    }
    return messageFromElement(element, body);
  }

  /**
   * Runs the robot on `message` as if WeChat had just sent it, and returns the answer's text:
   * reply XML, encrypted when the robot has an EncodingAESKey (WeRoBot's
   * `get_encrypted_reply`), or `success`. The whole pipeline runs, in memory: dedup (the same
   * message twice gets the first answer again), your middleware, the session, the handlers.
   *
   * @example
   * ```ts
   * const answer = await robot.getEncryptedReply(robot.parseMessage(body, query));
   * ```
   */
  async getEncryptedReply(message: AnyMessage): Promise<string> {
    const token = this.config.token ?? '';
    const crypt = this.#crypt();
    const request = buildMessageRequest({ token }, message.raw, {
      openid: message.source,
      ...(crypt ? { crypt: crypt.newest } : {}),
    });
    const response = await this.fetch(
      new Request(`http://localhost/?${request.query}`, {
        method: 'POST',
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
    );
    const text = await response.text();
    if (response.status !== 200) {
      throw new WechatError(`the robot answered ${response.status}: ${text}`, {
        status: response.status,
      });
    }
    return text;
  }

  /** WeRoBot's `token`: the configured token. */
  get token(): string | undefined {
    return this.config.token;
  }

  /**
   * Sets the page shown when a request fails the signature check (WeRoBot's `error_page`).
   * `url` comes HTML-escaped already, so it can go into the page as it is.
   *
   * @example
   * ```ts
   * robot.errorPage((url) => `<h1>喵喵喵 ${url} 不是给麻瓜访问的快走开</h1>`);
   * ```
   */
  errorPage(page: ErrorPage): this {
    this.#errorPage = page;
    this.#built = undefined;
    return this;
  }

  /**
   * The WeChat API client for this account, made from `config.appId` and `config.appSecret`
   * (WeRoBot's `robot.client`). Made on first use, and again if those settings change.
   *
   * @throws {PipelineError} when AppID or AppSecret is not configured.
   * @example
   * ```ts
   * await robot.client.createMenu({ button: [{ type: 'click', name: '今日歌曲', key: 'music' }] });
   * ```
   */
  get client(): Client {
    const { appId, appSecret } = this.config;
    if (!appId || !appSecret) {
      throw new PipelineError('ZgRoBot: robot.client needs config.appId and config.appSecret');
    }
    const cached = this.#client;
    if (cached && cached.appId === appId && cached.appSecret === appSecret) return cached.client;
    void cached?.client.close();
    const client = new Client({
      appId,
      appSecret,
      baseUrl: process.env.WECHAT_API_BASE || undefined,
      logger: this.logger,
    });
    this.#client = { client, appId, appSecret };
    return client;
  }

  /** WeRoBot's `check_signature(timestamp, nonce, signature)`. */
  checkSignature(timestamp: string, nonce: string, signature: string): boolean {
    return checkSignature({ token: this.config.token ?? '', timestamp, nonce, signature });
  }

  /**
   * The robot as one Koa middleware, to mount in an app of your own. The configuration is
   * checked here, so a missing token or a bad key fails at once, not on the first request; the
   * config is read again on each request, so settings changed after this call still apply.
   *
   * @throws {PipelineError} when the token is not set, or the settings do not fit together.
   * @example
   * ```ts
   * const app = new Koa();
   * app.use(mount('/wechat', robot.middleware()));
   * ```
   */
  middleware(): Stage {
    this.#pipeline();
    return this.#stages;
  }

  /** The pipeline as one stage, rebuilt when a setting changed (see `#pipeline`). */
  readonly #stages: Stage = (ctx, next) => this.#pipeline()(ctx, next);

  /**
   * The robot as a fetch handler, `(Request) => Promise<Response>`: for Bun (`Bun.serve({ fetch:
   * robot.fetch })`), Deno, Cloudflare Workers (`export default robot`), Hono and route handlers.
   * It runs the same stages on the standard `Request`, without Koa or Node's `http`. A bare
   * `Request` does not carry the client's address: pass it as `{ remoteAddress }` for `ctx.ip`.
   */
  readonly fetch = async (request: Request, info?: FetchRequestInfo): Promise<Response> => {
    const response = await handleFetch(this.#stages, request, info);
    // Turns still going on (late replies) are given to the runtime to wait for, bounded by the
    // final deadline after which no reply can reach the user anyway.
    if (info?.waitUntil && this.#turns.size > 0) {
      info.waitUntil(this.#turns.settle(this.config.finalDeadline));
    }
    return response;
  };

  /**
   * A Koa application serving the robot at every path (Koa is loaded on first use); it trusts
   * `X-Forwarded-For` as far as `config.proxy` says. Checks the configuration at once (throws
   * before the promise), as {@link ZgRoBot.middleware} does.
   */
  koa(): Promise<Koa> {
    const middleware = this.middleware();
    return import('koa').then(({ default: KoaApplication }) => {
      const app = new KoaApplication();
      // Koa reads these on each request: `config.proxy` changed later still applies.
      Object.defineProperties(app, {
        proxy: { get: () => this.config.proxy > 0 },
        maxIpsCount: { get: () => this.config.proxy },
      });
      app.use(middleware);
      // The pipeline answers every error itself; this only catches what escapes a broken socket.
      app.on('error', (error: unknown) =>
        this.logger.error({ err: error }, 'zgrobot: server error'),
      );
      return app;
    });
  }

  /**
   * A Node `(req, res)` handler (WeRoBot's `wsgi`): mount it in `http.createServer`. Checks the
   * configuration at once, as {@link ZgRoBot.middleware} does. It runs the stages on Node's
   * request and response themselves, without Koa (answering as a Koa app would), and trusts
   * `X-Forwarded-For` as far as `config.proxy` says, read on each request.
   */
  callback(): (req: IncomingMessage, res: ServerResponse) => void {
    const stages = this.middleware();
    const options: NodeHandlerOptions = {
      proxy: () => this.config.proxy,
      logger: () => this.logger,
    };
    return (req, res) => handleNode(stages, req, res, options);
  }

  /**
   * Starts an HTTP server on `host:port` (default: the config's) and resolves once it listens.
   * The pipeline is checked first, so a missing token or a bad key fails here, not later. The
   * server closes clients that are slow to send their request (`headersTimeout`,
   * `requestTimeout`, checked every `connectionsCheckingInterval` ms) and caps connections
   * (`maxConnections`); see {@link ServerLimits} for the defaults.
   *
   * On SIGTERM or SIGINT (`shutdownSignals`) the robot shuts down gracefully with
   * {@link ZgRoBot.close} and the process exits: `0` when nothing was lost, `1` when the
   * `shutdownTimeout` cut a request or a late reply short (each is logged). A second signal exits
   * at once.
   */
  async run(options: RunOptions = {}): Promise<Server> {
    this.#pipeline();
    const c = this.config;
    const host = options.host ?? c.host;
    const port = options.port ?? c.port;
    const server = await createLimitedServer(this.callback(), {
      headersTimeout: options.headersTimeout ?? c.headersTimeout,
      requestTimeout: options.requestTimeout ?? c.requestTimeout,
      keepAliveTimeout: options.keepAliveTimeout ?? c.keepAliveTimeout,
      connectionsCheckingInterval:
        options.connectionsCheckingInterval ?? c.connectionsCheckingInterval,
      maxConnections: options.maxConnections ?? c.maxConnections,
    });
    const stop = stoppable(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#servers.push(stop);
    const signals = options.shutdownSignals ?? ['SIGTERM', 'SIGINT'];
    if (signals !== false && signals.length > 0) {
      this.#removeSignalHandlers ??= exitOnSignals(
        signals,
        (signal) => {
          this.logger.info(
            `zgrobot: ${signal}: shutting down (waiting up to ${this.config.shutdownTimeout} ms for requests and late replies)`,
          );
          return this.#shutdown();
        },
        this.logger,
      );
    }
    const address = server.address();
    const shown =
      typeof address === 'object' && address
        ? `${address.address}:${address.port}`
        : `${host}:${port}`;
    this.logger.info(`ZgRoBot running on http://${shown} (Ctrl-C to stop)`);
    this.#logAccounts();
    return server;
  }

  /**
   * Shuts the robot down gracefully, waiting at most `config.shutdownTimeout` ms in all: the
   * servers `run()` started stop taking connections and answer the requests in flight; turns that
   * go on after their answer (past `replyTimeout`, or `defer()`) finish and their late replies are
   * delivered; then what the robot opened itself closes (the default SQLite file, the API client).
   * What the timeout cuts short is logged, one line each. Your own storages and clients are
   * yours to close after it.
   */
  async close(): Promise<void> {
    await this.#shutdown();
  }

  /** {@link ZgRoBot.close}; resolves with how many requests and late replies it gave up on. */
  async #shutdown(): Promise<number> {
    this.#removeSignalHandlers?.();
    this.#removeSignalHandlers = undefined;
    const timeout = this.config.shutdownTimeout;
    const until = Date.now() + timeout;
    const servers = this.#servers;
    this.#servers = [];
    const cut = (await Promise.all(servers.map((stop) => stop(timeout)))).reduce(
      (a, b) => a + b,
      0,
    );
    if (cut > 0) {
      this.logger.warn(
        `zgrobot: shutting down: cut off ${cut} request(s) unanswered after ${timeout} ms`,
      );
    }
    const abandoned = await this.#turns.settle(Math.max(0, until - Date.now()));
    for (const what of abandoned) {
      this.logger.warn(
        `zgrobot: shutting down: gave up on ${what} (still running after ${timeout} ms)`,
      );
    }
    await this.#client?.client.close();
    this.#client = undefined;
    await this.#registry?.close();
    this.#registry = undefined;
    await this.#defaultStorage?.close?.();
    this.#defaultStorage = undefined;
    this.#built = undefined;
    return cut + abandoned.length;
  }

  /**
   * The keys of safe mode, when the config has one (several during a rotation): made again only
   * when the token, AppID or key changed, so each `parseMessage` and `getEncryptedReply` reuses
   * their AES contexts.
   */
  #crypt(): KeyRing | undefined {
    const { token = '', appId = '', encodingAESKey } = this.config;
    const keys = encodingAESKeys(encodingAESKey);
    if (!keys) return undefined;
    const made = this.#keyRing;
    if (made && made.token === token && made.appId === appId && made.keys === keys.join(',')) {
      return made.ring;
    }
    const ring = new KeyRing({ token, encodingAESKey: keys, appId });
    this.#keyRing = { token, appId, keys: keys.join(','), ring };
    return ring;
  }

  #sessionStorage(): SessionStorage | false {
    const configured = this.config.sessionStorage;
    if (configured !== undefined) return configured;
    this.#defaultStorage ??= new SQLiteStorage();
    return this.#defaultStorage;
  }

  // Late replies go out with `robot.client`; none when lateReply is 'drop' or without credentials.
  #customerService(): CustomerServiceClient | undefined {
    const c = this.config;
    if ((c.lateReply === 'drop' && !c.typing) || !c.appId || !c.appSecret) return undefined;
    return (this as { client?: CustomerServiceClient }).client;
  }

  /** With `accounts`, where each is served: the URL to set in its admin console. */
  #logAccounts(): void {
    const accounts = this.#accounts;
    if (!accounts) return;
    const by = accounts.by ?? DEFAULT_ACCOUNT_KEY;
    const fields: Record<string, unknown> = {
      by,
      accounts: (accounts.list ?? []).map((account) => account.appId),
    };
    if (accounts.component) {
      fields.component = accounts.component.component.appId;
      fields.events = accounts.component.eventsKey ?? DEFAULT_EVENTS_KEY;
    }
    // Where to point each account's server URL: the last path segment is its AppID.
    if (by === 'path') fields.url = '…/<AppID>';
    this.logger.info(fields, 'zgrobot: serving several accounts');
  }

  #defaultNonceStore(): MemoryNonceStore {
    this.#memoryNonces ??= new MemoryNonceStore();
    return this.#memoryNonces;
  }

  #defaultDedupeStore(): MemoryDedupeStore {
    this.#memoryDedupe ??= new MemoryDedupeStore();
    return this.#memoryDedupe;
  }

  // Built on first use and again whenever a setting it depends on changed.
  #pipeline(): (ctx: HttpContext, next: () => Promise<void>) => Promise<void> {
    const c = this.config;
    const storage = this.#sessionStorage();
    const client = this.#customerService();
    const key = [
      c.token,
      c.appId,
      c.encodingAESKey,
      c.encryptMode,
      c.timestampWindow,
      c.nonceStore,
      storage,
      c.replyTimeout,
      c.bodyLimit,
      c.bodyTimeout,
      c.dedupe,
      c.lateReply,
      c.finalDeadline,
      c.typing,
      client,
      this.logger,
      this.#middleware,
    ] as const;
    const built = this.#built;
    if (built?.key.every((value, i) => value === key[i])) return built.middleware;
    const accounts = this.#accounts;
    if (!c.token && !accounts)
      throw new PipelineError(
        'ZgRoBot: no token: set ZGROBOT_TOKEN or pass { token } (the token from the WeChat admin console)',
      );
    if (accounts) this.#registry ??= new AccountRegistry({ ...accounts, logger: this.logger });
    const middleware = pipeline({
      token: c.token,
      accounts,
      accountRegistry: this.#registry,
      appId: c.appId,
      encodingAESKey: encodingAESKeys(c.encodingAESKey),
      encryptMode: c.encryptMode,
      timestampWindow: c.timestampWindow,
      nonceStore: c.nonceStore ?? this.#defaultNonceStore(),
      sessionStorage: storage,
      replyTimeout: c.replyTimeout,
      bodyLimit: c.bodyLimit,
      bodyTimeout: c.bodyTimeout,
      dedupe:
        c.dedupe === false
          ? false
          : { ...c.dedupe, store: c.dedupe?.store ?? this.#defaultDedupeStore() },
      lateReply: c.lateReply,
      client,
      finalDeadline: c.finalDeadline,
      trackTurn: this.#turns.track,
      typing: c.typing,
      errorPage: this.#errorPage,
      // The handlers were typed against S at registration; the pipeline stores any session.
      routes: this as unknown as Router,
      middleware: this.#middleware as readonly WechatMiddleware[],
      getSessionKey: this.#session.getSessionKey,
      initialSession: this.#session.initial as (() => SessionData) | undefined,
      logger: this.logger,
    });
    this.#built = { key, middleware };
    return middleware;
  }
}
