import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LateReplyMode } from '../middleware/late-reply.js';
import { encodingAESKeys, KeyRing } from './core/crypto/key-ring.js';
import type { DedupeStore } from './core/dedupe/store.js';
import { InvalidEncodingAESKeyError } from './core/errors.js';
import { type EncryptMode, isEncryptMode } from './core/security/encrypt-mode.js';
import type { NonceStore } from './core/security/nonce-store.js';
import type { SessionStorage } from './core/session/storage.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';

/**
 * The settings of a robot. Every field has a default (WeRoBot's, where WeRoBot has the setting)
 * and an environment variable `ZGROBOT_<NAME>` (`replyTimeout`: `ZGROBOT_REPLY_TIMEOUT`); the
 * {@link ServerLimits} (slow clients, connections) apply to `run()`'s server. All of them are
 * listed, with their variables, in `docs/configuration.md`.
 */
export interface ConfigValues extends ServerLimits {
  /** The token set in the WeChat admin console. Default `undefined` (must be set). */
  token: string | undefined;
  /** WeRoBot's `SERVER`; kept for compatibility, Node has one HTTP server. Default `'auto'`. */
  server: string;
  /** Address `run()` listens on. Default `'127.0.0.1'`. */
  host: string;
  /** Port `run()` listens on. Default `8888`. */
  port: number;
  /**
   * Where sessions live: a storage; `false` turns sessions off; `undefined` (the default) means
   * a {@link SQLiteStorage} in `zgrobot_session.sqlite3`, as in WeRoBot.
   */
  sessionStorage: SessionStorage | false | undefined;
  /** AppID, for the API client and for safe mode. */
  appId: string | undefined;
  /** AppSecret, for the API client. */
  appSecret: string | undefined;
  /**
   * EncodingAESKey (43 characters) for safe mode; checked when it is set. While one is rotated out,
   * several separated by commas, the newest first (`'newKey,oldKey'`): each message is decrypted
   * with the key it came with and answered with the same key.
   */
  encodingAESKey: string | undefined;
  /**
   * 消息加解密方式: `'safe'` refuses plaintext POSTs (403), `'compatible'` accepts both, `'plain'`
   * refuses encrypted ones. `undefined` (the default): `'safe'` when `encodingAESKey` is set,
   * else `'plain'`. `'safe'`/`'compatible'` without a key fail when the pipeline is built.
   */
  encryptMode: EncryptMode | undefined;
  /**
   * Seconds a request's `timestamp` may be from now either way before it is refused (403).
   * Default 300; `0` or `false` turns the check off.
   */
  timestampWindow: number | false;
  /**
   * The replay check's store (timestamp + nonce + signature → body digest): `undefined` (the
   * default) keeps it in memory, a `RedisNonceStore` shares it between instances, `false` is off.
   */
  nonceStore: NonceStore | false | undefined;
  /** Milliseconds the handlers get before the bot answers `success` (default 4500). */
  replyTimeout: number;
  /** Largest request body accepted, in bytes (default 1 MiB). */
  bodyLimit: number;
  /**
   * Milliseconds a request body may take to arrive (default 10 000); past it the bot answers 408
   * and drops the connection. Guards `callback()`/`middleware()` in servers that are not `run()`'s.
   */
  bodyTimeout: number;
  /**
   * Retry dedup: `undefined` (the default) dedups in memory; `{ store }` picks the store (a
   * `RedisDedupeStore` for several instances), `window` the memory in ms (≥ 20 000); `false` off.
   */
  dedupe: false | { store?: DedupeStore; window?: number } | undefined;
  /**
   * A reply the handlers produce after the bot answered `success` and that no retry took:
   * `'customer-service'` sends it with `robot.client` (made from `appId`/`appSecret`), `'drop'`
   * logs it. `undefined` (the default): `'customer-service'` when `appId` and `appSecret` are set
   * (or a `robot.client` exists), else `'drop'`.
   */
  lateReply: LateReplyMode | undefined;
  /** Milliseconds from a message's arrival until `ctx.wechat.signal` aborts (default 14 500). */
  finalDeadline: number;
  /**
   * Milliseconds `robot.close()` (and so `run()`'s shutdown on SIGTERM/SIGINT) waits for requests
   * in flight and for late replies still being made or sent before it gives up on them, logging
   * each (default 15 000: a message that has just arrived gets its `finalDeadline`).
   */
  shutdownTimeout: number;
  /**
   * How many reverse proxies (nginx, a load balancer) stand in front of the robot, each adding
   * the address it got the request from to `X-Forwarded-For`. `0` (the default) ignores the header:
   * `ctx.ip` is the socket's address. Behind one nginx, `1`: `ctx.ip` is then the address nginx
   * saw, and whatever a client wrote into the header itself is ignored. Also reads
   * `X-Forwarded-Proto` and `X-Forwarded-Host` (Koa's `app.proxy`).
   */
  proxy: number;
  /**
   * Show "正在输入" (typing…) to the user while a late or deferred turn still works, until its
   * late reply goes out; needs `appId` and `appSecret`. Default `false`.
   */
  typing: boolean;
}

/** The upper-case key of each setting (`config['HOST']`, WeRoBot's way) and ours. */
const SEED_KEYS = {
  TOKEN: 'token',
  SERVER: 'server',
  HOST: 'host',
  PORT: 'port',
  SESSION_STORAGE: 'sessionStorage',
  APP_ID: 'appId',
  APP_SECRET: 'appSecret',
  ENCODING_AES_KEY: 'encodingAESKey',
  ENCRYPT_MODE: 'encryptMode',
  TIMESTAMP_WINDOW: 'timestampWindow',
  NONCE_STORE: 'nonceStore',
  REPLY_TIMEOUT: 'replyTimeout',
  BODY_LIMIT: 'bodyLimit',
  BODY_TIMEOUT: 'bodyTimeout',
  HEADERS_TIMEOUT: 'headersTimeout',
  REQUEST_TIMEOUT: 'requestTimeout',
  KEEP_ALIVE_TIMEOUT: 'keepAliveTimeout',
  CONNECTIONS_CHECKING_INTERVAL: 'connectionsCheckingInterval',
  MAX_CONNECTIONS: 'maxConnections',
  DEDUPE: 'dedupe',
  LATE_REPLY: 'lateReply',
  FINAL_DEADLINE: 'finalDeadline',
  SHUTDOWN_TIMEOUT: 'shutdownTimeout',
  PROXY: 'proxy',
  TYPING: 'typing',
} as const satisfies Record<string, keyof ConfigValues>;
type SeedKey = keyof typeof SEED_KEYS;
const KEYS = new Set<string>(Object.values(SEED_KEYS));

/**
 * WeRoBot's upper-case names as aliases of ours: `config.HOST` is `config.host`, typed alike.
 * Writing one validates the value as {@link Config.fromObject} does.
 */
export type UpperCaseConfigValues = { [K in SeedKey]: ConfigValues[(typeof SEED_KEYS)[K]] };

const seedKeyOf = (name: string): keyof ConfigValues | undefined =>
  Object.hasOwn(SEED_KEYS, name) ? SEED_KEYS[name as SeedKey] : undefined;

/** The defaults: WeRoBot's for the settings it has, plus ours. */
export const DEFAULT_CONFIG: Readonly<ConfigValues> = Object.freeze({
  token: undefined,
  server: 'auto',
  host: '127.0.0.1',
  port: 8888,
  sessionStorage: undefined,
  appId: undefined,
  appSecret: undefined,
  encodingAESKey: undefined,
  encryptMode: undefined,
  timestampWindow: 300,
  nonceStore: undefined,
  replyTimeout: 4500,
  bodyLimit: 1024 * 1024,
  bodyTimeout: 10_000,
  ...DEFAULT_SERVER_LIMITS,
  dedupe: undefined,
  lateReply: undefined,
  finalDeadline: 14_500,
  shutdownTimeout: 15_000,
  proxy: 0,
  typing: false,
});

/** The environment variable of a setting: `ZGROBOT_REPLY_TIMEOUT` for `replyTimeout`. */
export function envVariableOf(key: keyof ConfigValues): string {
  const name = Object.entries(SEED_KEYS).find(([, ours]) => ours === key)?.[0];
  return `ZGROBOT_${name}`;
}

/** What `fromObject` accepts: our names or the upper-case ones (`HOST`, `APP_ID`). */
export type ConfigInput = Partial<ConfigValues> & Record<string, unknown>;

/**
 * A robot's configuration: WeRoBot's `Config`, with our names (`host`, `appId`, …) as typed
 * properties. WeRoBot's names (`HOST`, `APP_ID`, …) are aliases of them, read and written
 * directly (`config['HOST'] = '0.0.0.0'`, validated like {@link Config.fromObject}) and accepted
 * by `fromObject`. A `new Config()` is not extensible: assigning a misspelt name (`config.HOTS`)
 * throws a `TypeError` instead of vanishing.
 *
 * @example
 * ```ts
 * const config = new Config({ token: 'token from config!' });
 * const robot = new ZgRoBot({ config, token: 'token from init' });
 * robot.config.token; // 'token from config!': a passed config wins
 * robot.config.update({ host: '0.0.0.0', port: 80 });
 * robot.config['PORT'] = 80; // WeRoBot's way; same as robot.config.port = 80
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the upper-case accessors are defined on the prototype in the static block below.
export class Config implements ConfigValues {
  token: string | undefined = DEFAULT_CONFIG.token;
  server: string = DEFAULT_CONFIG.server;
  host: string = DEFAULT_CONFIG.host;
  port: number = DEFAULT_CONFIG.port;
  sessionStorage: SessionStorage | false | undefined = DEFAULT_CONFIG.sessionStorage;
  appId: string | undefined = DEFAULT_CONFIG.appId;
  appSecret: string | undefined = DEFAULT_CONFIG.appSecret;
  encryptMode: EncryptMode | undefined = DEFAULT_CONFIG.encryptMode;
  timestampWindow: number | false = DEFAULT_CONFIG.timestampWindow;
  nonceStore: NonceStore | false | undefined = DEFAULT_CONFIG.nonceStore;
  replyTimeout: number = DEFAULT_CONFIG.replyTimeout;
  bodyLimit: number = DEFAULT_CONFIG.bodyLimit;
  bodyTimeout: number = DEFAULT_CONFIG.bodyTimeout;
  headersTimeout: number = DEFAULT_CONFIG.headersTimeout;
  requestTimeout: number = DEFAULT_CONFIG.requestTimeout;
  keepAliveTimeout: number = DEFAULT_CONFIG.keepAliveTimeout;
  connectionsCheckingInterval: number = DEFAULT_CONFIG.connectionsCheckingInterval;
  maxConnections: number = DEFAULT_CONFIG.maxConnections;
  dedupe: false | { store?: DedupeStore; window?: number } | undefined = DEFAULT_CONFIG.dedupe;
  lateReply: LateReplyMode | undefined = DEFAULT_CONFIG.lateReply;
  finalDeadline: number = DEFAULT_CONFIG.finalDeadline;
  shutdownTimeout: number = DEFAULT_CONFIG.shutdownTimeout;
  proxy: number = DEFAULT_CONFIG.proxy;
  typing: boolean = DEFAULT_CONFIG.typing;
  #encodingAESKey: string | undefined;

  // One accessor per seed key on the prototype: no per-read cost (a Proxy would have one), and
  // inside the class body so the setter can reach #set's validation.
  static {
    for (const [seedName, key] of Object.entries(SEED_KEYS) as [SeedKey, keyof ConfigValues][]) {
      Object.defineProperty(Config.prototype, seedName, {
        get(this: Config) {
          return this[key];
        },
        set(this: Config, value: unknown) {
          // `undefined` restores the default (fromObject skips it; #set would read it as text).
          if (value === undefined) Object.assign(this, { [key]: DEFAULT_CONFIG[key] });
          else this.#set(key, value);
        },
        enumerable: false,
        configurable: true,
      });
    }
  }

  constructor(values: ConfigInput = {}) {
    this.fromObject(values);
    // A typo'd key would otherwise become a new property nobody reads; subclasses may add fields.
    if (new.target === Config) Object.preventExtensions(this);
  }

  /** Safe mode's key. Setting a malformed one throws `InvalidEncodingAESKeyError` at once. */
  get encodingAESKey(): string | undefined {
    return this.#encodingAESKey;
  }
  set encodingAESKey(value: string | undefined) {
    const keys = encodingAESKeys(value);
    // Every key of a rotation list is checked now, not on the first message.
    if (keys) new KeyRing({ token: 'check', appId: 'check', encodingAESKey: keys });
    this.#encodingAESKey = value || undefined;
  }

  /** Sets several values at once (WeRoBot's `config.update(...)`). */
  update(values: Partial<ConfigValues>): this {
    return this.fromObject(values);
  }

  /**
   * Reads settings from an object, by our names or the upper-case ones; other keys are
   * ignored, as WeRoBot's `from_object` ignores lower-case attributes.
   */
  fromObject(values: ConfigInput | object): this {
    for (const [name, value] of Object.entries(values)) {
      const key = seedKeyOf(name) ?? (KEYS.has(name) ? (name as keyof ConfigValues) : undefined);
      if (key !== undefined && value !== undefined) this.#set(key, value);
    }
    return this;
  }

  /**
   * Reads settings from a file: JSON, or a JS/TS module whose default export (or whose named
   * exports) are the settings. WeRoBot's `from_pyfile`.
   */
  async fromFile(filename: string): Promise<this> {
    const path = resolve(filename);
    if (extname(path) === '.json') return this.fromObject(JSON.parse(await readFile(path, 'utf8')));
    const module: Record<string, unknown> = await import(pathToFileURL(path).href);
    const values =
      typeof module.default === 'object' && module.default !== null ? module.default : module;
    return this.fromObject(values);
  }

  /**
   * A config from the environment: each setting from its `ZGROBOT_<NAME>` variable
   * (`ZGROBOT_TOKEN`, `ZGROBOT_REPLY_TIMEOUT`, …; the table is in `docs/configuration.md`).
   * Empty variables are skipped. The settings that take an object in code (`sessionStorage`,
   * `dedupe`, `nonceStore`) read `false` (off) or `true` (the default).
   *
   * @throws {TypeError} for a value the setting cannot take, naming the variable:
   * `ZGROBOT_REPLY_TIMEOUT must be a non-negative number, got soon`.
   * @throws {InvalidEncodingAESKeyError} for a malformed `ZGROBOT_ENCODING_AES_KEY`.
   */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Config {
    const config = new Config();
    for (const [seedName, key] of Object.entries(SEED_KEYS) as [SeedKey, keyof ConfigValues][]) {
      const variable = `ZGROBOT_${seedName}`;
      const value = env[variable];
      if (value === undefined || value === '') continue;
      if (key === 'sessionStorage' || key === 'dedupe' || key === 'nonceStore') {
        if (value !== 'false' && value !== 'true') {
          throw new TypeError(
            `${variable} must be 'false' (off) or 'true' (the default; other stores are set in code), got ${value}`,
          );
        }
        config[key] = value === 'false' ? false : undefined;
        continue;
      }
      try {
        config.#set(key, value, variable);
      } catch (error) {
        if (!(error instanceof InvalidEncodingAESKeyError)) throw error;
        throw new InvalidEncodingAESKeyError(`${variable}: ${error.message}`);
      }
    }
    return config;
  }

  /** The settings as a plain object (for logging: the secrets are masked). */
  toJSON(): Record<string, unknown> {
    return {
      token: this.token ? '***' : undefined,
      server: this.server,
      host: this.host,
      port: this.port,
      sessionStorage: this.sessionStorage === false ? false : this.sessionStorage?.constructor.name,
      appId: this.appId,
      appSecret: this.appSecret ? '***' : undefined,
      encodingAESKey: this.encodingAESKey ? '***' : undefined,
      encryptMode: this.encryptMode,
      timestampWindow: this.timestampWindow,
      nonceStore:
        this.nonceStore === false ? false : (this.nonceStore?.constructor.name ?? 'memory'),
      replyTimeout: this.replyTimeout,
      bodyLimit: this.bodyLimit,
      bodyTimeout: this.bodyTimeout,
      headersTimeout: this.headersTimeout,
      requestTimeout: this.requestTimeout,
      keepAliveTimeout: this.keepAliveTimeout,
      connectionsCheckingInterval: this.connectionsCheckingInterval,
      maxConnections: this.maxConnections,
      dedupe: this.dedupe === false ? false : (this.dedupe?.store?.constructor.name ?? 'memory'),
      lateReply: this.lateReply,
      finalDeadline: this.finalDeadline,
      shutdownTimeout: this.shutdownTimeout,
      proxy: this.proxy,
      typing: this.typing,
    };
  }

  /** Sets `key` from a value of any source; errors call the setting `name` (a variable's name). */
  #set(key: keyof ConfigValues, value: unknown, name = `config ${key}`): void {
    switch (key) {
      case 'port':
      case 'replyTimeout':
      case 'finalDeadline':
      case 'bodyLimit':
      case 'bodyTimeout':
      case 'headersTimeout':
      case 'requestTimeout':
      case 'keepAliveTimeout':
      case 'connectionsCheckingInterval':
      case 'maxConnections':
      case 'shutdownTimeout': {
        const number = Number(value);
        const blank = typeof value === 'string' && value.trim() === '';
        if (blank || !Number.isFinite(number) || number < 0)
          throw new TypeError(`${name} must be a non-negative number, got ${String(value)}`);
        if (key === 'port' && !(Number.isInteger(number) && number <= 65_535))
          throw new TypeError(`${name} must be a port number (0 to 65535), got ${String(value)}`);
        this[key] = number;
        return;
      }
      case 'proxy': {
        const hops =
          value === true || value === 'true'
            ? 1
            : value === false || value === 'false'
              ? 0
              : Number(value);
        if (value === null || value === '' || !Number.isInteger(hops) || hops < 0)
          throw new TypeError(
            `${name} must be the number of proxies in front of the robot (0, 1, …), got ${String(value)}`,
          );
        this.proxy = hops;
        return;
      }
      case 'sessionStorage':
        if (value !== false && value !== null && !isStorage(value)) {
          throw new TypeError(`${name} must be a SessionStorage or false`);
        }
        this.sessionStorage = value === null ? undefined : (value as SessionStorage | false);
        return;
      case 'dedupe':
        if (value !== false && value !== null && typeof value !== 'object') {
          throw new TypeError(`${name} must be false or { store, window }`);
        }
        this.dedupe = value === null ? undefined : (value as ConfigValues['dedupe']);
        return;
      case 'timestampWindow': {
        if (value === false || value === 'false') {
          this.timestampWindow = false;
          return;
        }
        const seconds = Number(value);
        if (value === null || value === '' || !Number.isFinite(seconds) || seconds < 0)
          throw new TypeError(`${name} must be seconds (≥ 0) or false, got ${String(value)}`);
        this.timestampWindow = seconds;
        return;
      }
      case 'encryptMode':
        if (value !== null && !isEncryptMode(value)) {
          throw new TypeError(
            `${name} must be 'plain', 'compatible' or 'safe', got ${String(value)}`,
          );
        }
        this.encryptMode = value === null ? undefined : value;
        return;
      case 'nonceStore':
        if (value !== false && value !== null && !isNonceStore(value)) {
          throw new TypeError(`${name} must be a NonceStore (with remember()) or false`);
        }
        this.nonceStore = value === null ? undefined : (value as NonceStore | false);
        return;
      case 'lateReply':
        if (value !== null && value !== 'customer-service' && value !== 'drop') {
          throw new TypeError(`${name} must be 'customer-service' or 'drop', got ${String(value)}`);
        }
        this.lateReply = value === null ? undefined : value;
        return;
      case 'typing':
        if (value !== true && value !== false && value !== 'true' && value !== 'false') {
          throw new TypeError(`config typing must be true or false, got ${String(value)}`);
        }
        this.typing = value === true || value === 'true';
        return;
      case 'encodingAESKey':
        this.encodingAESKey = value === null ? undefined : String(value);
        return;
      case 'host':
      case 'server':
        this[key] = String(value);
        return;
      default:
        this[key] = value === null ? undefined : String(value);
    }
  }
}

// The upper-case names, typed as ours (`config.PORT: number`); defined in Config's static block.
export interface Config extends UpperCaseConfigValues {}

function isStorage(value: unknown): value is SessionStorage {
  const candidate = value as Partial<SessionStorage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.get === 'function' &&
    typeof candidate.set === 'function' &&
    typeof candidate.delete === 'function'
  );
}

function isNonceStore(value: unknown): value is NonceStore {
  const candidate = value as Partial<NonceStore> | null;
  return (
    typeof candidate === 'object' && candidate !== null && typeof candidate.remember === 'function'
  );
}
