import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Koa, { type Middleware } from 'koa';
import type { ErrorPage } from '../middleware/error-page.js';
import type { CustomerServiceClient } from '../middleware/late-reply.js';
import { pipeline } from '../middleware/pipeline.js';
import { Router } from '../middleware/routes.js';
import { Client } from './client/client.js';
import { Config, type ConfigValues } from './config.js';
import { checkSignature } from './crypto/signature.js';
import { PipelineError } from './errors.js';
import { enablePrettyLogging, type Logger } from './logger.js';
import { createLimitedServer, type ServerLimits } from './server.js';
import { SQLiteStorage } from './session/sqlite.js';
import type { SessionStorage } from './session/storage.js';

/** Options of {@link ZgRoBot}: any setting of {@link ConfigValues}, or a whole `config`. */
export interface ZgRoBotOptions extends Partial<ConfigValues> {
  /** A prepared config. When given, it wins: every other option but `logger` is ignored (as in the seed). */
  config?: Config;
  /** Where the robot logs (default: a pretty console logger at `info`). */
  logger?: Logger;
}

/**
 * Options of {@link ZgRoBot.run}; defaults come from the config. The {@link ServerLimits}
 * (`headersTimeout`, `requestTimeout`, `keepAliveTimeout`, `connectionsCheckingInterval`,
 * `maxConnections`) bound slow clients and connections.
 */
export interface RunOptions extends Partial<ServerLimits> {
  host?: string;
  port?: number;
}

type BuiltPipeline = { key: readonly unknown[]; middleware: Middleware };

/**
 * The robot: the seed's API on top of the pipeline. Register handlers with one method per kind
 * (`text`, `subscribe`, `click`, …), `filter`, `keyClick`, `addHandler`; then `run()` it, or
 * mount `callback()` / `middleware()` in your own server.
 *
 * Settings come from, weakest first: the seed's defaults, `ZGROBOT_*` environment variables,
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
export class ZgRoBot extends Router {
  /** The settings; change them before the first request (a change is picked up on the next one). */
  readonly config: Config;
  /** Where the robot logs. */
  logger: Logger;
  #errorPage: ErrorPage | undefined;
  #built: BuiltPipeline | undefined;
  #defaultStorage: SessionStorage | undefined;
  #client: { client: Client; appId: string; appSecret: string } | undefined;

  constructor(options: ZgRoBotOptions = {}) {
    super();
    const { config, logger, ...values } = options;
    this.config = config ?? Config.fromEnv().fromObject(values);
    this.logger = logger ?? enablePrettyLogging(console, 'info');
  }

  /** The seed's `token`: the configured token. */
  get token(): string | undefined {
    return this.config.token;
  }

  /**
   * Sets the page shown when a request fails the signature check (the seed's `error_page`).
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
   * (the seed's `robot.client`). Made on first use, and again if those settings change.
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
    });
    this.#client = { client, appId, appSecret };
    return client;
  }

  /** The seed's `check_signature(timestamp, nonce, signature)`. */
  checkSignature(timestamp: string, nonce: string, signature: string): boolean {
    return checkSignature({ token: this.config.token ?? '', timestamp, nonce, signature });
  }

  /**
   * The robot as one Koa middleware, to mount in an app of your own. Reads the config on each
   * request, so settings changed after this call still apply.
   *
   * @example
   * ```ts
   * const app = new Koa();
   * app.use(mount('/wechat', robot.middleware()));
   * ```
   */
  middleware(): Middleware {
    return (ctx, next) => this.#pipeline()(ctx, next);
  }

  /** A Koa application serving the robot at every path. */
  koa(): Koa {
    const app = new Koa();
    app.use(this.middleware());
    // The pipeline answers every error itself; this only catches what escapes a broken socket.
    app.on('error', (error: unknown) => this.logger.error('zgrobot: server error', error));
    return app;
  }

  /** A Node `(req, res)` handler (the seed's `wsgi`): mount it in `http.createServer`. */
  callback(): (req: IncomingMessage, res: ServerResponse) => void {
    return this.koa().callback();
  }

  /**
   * Starts an HTTP server on `host:port` (default: the config's) and resolves once it listens.
   * The pipeline is checked first, so a missing token or a bad key fails here, not later. The
   * server closes clients that are slow to send their request (`headersTimeout`,
   * `requestTimeout`, checked every `connectionsCheckingInterval` ms) and caps connections
   * (`maxConnections`); see {@link ServerLimits} for the defaults.
   */
  async run(options: RunOptions = {}): Promise<Server> {
    this.#pipeline();
    const c = this.config;
    const host = options.host ?? c.host;
    const port = options.port ?? c.port;
    const server = createLimitedServer(this.callback(), {
      headersTimeout: options.headersTimeout ?? c.headersTimeout,
      requestTimeout: options.requestTimeout ?? c.requestTimeout,
      keepAliveTimeout: options.keepAliveTimeout ?? c.keepAliveTimeout,
      connectionsCheckingInterval:
        options.connectionsCheckingInterval ?? c.connectionsCheckingInterval,
      maxConnections: options.maxConnections ?? c.maxConnections,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const shown =
      typeof address === 'object' && address
        ? `${address.address}:${address.port}`
        : `${host}:${port}`;
    this.logger.info(`ZgRoBot running on http://${shown} (Ctrl-C to stop)`);
    return server;
  }

  /** Closes what the robot opened itself: the default SQLite file and the API client. */
  async close(): Promise<void> {
    await this.#client?.client.close();
    this.#client = undefined;
    await this.#defaultStorage?.close?.();
    this.#defaultStorage = undefined;
    this.#built = undefined;
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
    if (c.lateReply === 'drop' || !c.appId || !c.appSecret) return undefined;
    return (this as { client?: CustomerServiceClient }).client;
  }

  // Built on first use and again whenever a setting it depends on changed.
  #pipeline(): Middleware {
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
      client,
      this.logger,
    ] as const;
    const built = this.#built;
    if (built?.key.every((value, i) => value === key[i])) return built.middleware;
    if (!c.token)
      throw new PipelineError(
        'ZgRoBot: config.token is not set (the token from the WeChat admin console)',
      );
    const middleware = pipeline({
      token: c.token,
      appId: c.appId,
      encodingAESKey: c.encodingAESKey,
      encryptMode: c.encryptMode,
      timestampWindow: c.timestampWindow,
      nonceStore: c.nonceStore,
      sessionStorage: storage,
      replyTimeout: c.replyTimeout,
      bodyLimit: c.bodyLimit,
      bodyTimeout: c.bodyTimeout,
      dedupe: c.dedupe,
      lateReply: c.lateReply,
      client,
      finalDeadline: c.finalDeadline,
      errorPage: this.#errorPage,
      routes: this,
      logger: this.logger,
    });
    this.#built = { key, middleware };
    return middleware;
  }
}
