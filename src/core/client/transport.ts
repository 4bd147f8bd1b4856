import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher, FormData } from 'undici';
import { type Logger, silentLogger } from '../logger.js';
import { WeChatNetworkError, WeChatResponseTooLargeError, WeChatTimeoutError } from './errors.js';
import { readCapped } from './read-capped.js';

/**
 * The default cap on an answer. WeChat's JSON answers are KiBs (a 10 000-openid follower page is
 * ~300 KiB) and its media are at most 10 MB (images, videos) or 2 MB (voice), so one cap serves
 * both JSON calls and downloads with room to spare, while a runaway body cannot fill the heap.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Options of the HTTP layer under the client. */
export interface TransportOptions {
  /**
   * Milliseconds one attempt may take, connecting to reading the last byte. Default 10 000.
   * A timed-out call is not retried (WeChat may have acted on it).
   */
  timeout?: number;
  /**
   * The undici dispatcher to send through (an `Agent`, `ProxyAgent`, `MockAgent`…). By default
   * the transport makes a keep-alive `Agent` of its own, closed by `close()`. A dispatcher you
   * pass is yours to close.
   */
  dispatcher?: Dispatcher;
  /**
   * Largest answer read, in bytes, for JSON calls and downloads alike. Past it the client stops
   * reading, closes the connection and throws `WeChatResponseTooLargeError`. Default 32 MiB.
   */
  maxResponseBytes?: number;
  /** How many times a GET is retried after a connection error. Default 2. */
  retries?: number;
  /** Delay before the first retry, in milliseconds; doubles for each further one. Default 100. */
  retryDelay?: number;
  /** Where retries and token refreshes are reported. Default: silent. */
  logger?: Logger;
}

/**
 * One keep-alive undici `Agent`, made on the first call of any transport that shares it: the
 * connection pool of many clients of one owner. An Open Platform component's authorizer clients
 * (one per authorized account, up to `maxClients`) all call api.weixin.qq.com; with an Agent each
 * they would keep a pool (and a TLS connection) per account. The owner closes it; the clients'
 * own `close()` leaves it open.
 */
export class SharedAgent {
  #agent: Dispatcher | undefined;
  #closed = false;

  /**
   * The Agent, made now if it was not yet.
   *
   * @throws {Error} once closed: no new Agent is made then (nobody would close it).
   */
  get(undici: Undici): Dispatcher {
    if (this.#closed) throw new Error('the connections were closed (component.close())');
    this.#agent ??= newAgent(undici);
    return this.#agent;
  }

  /** Closes the Agent (calls in flight finish first); a later call fails as on a closed client. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#agent?.close();
  }
}

/**
 * The key under which a client's options carry a {@link SharedAgent} to its transport: not an
 * option of the public types, only the component passes one.
 */
export const SHARED_AGENT = Symbol('zgrobot.sharedAgent');

/** Transport options with the {@link SharedAgent} of the clients the transport is one of. */
export type SharingTransportOptions = TransportOptions & { [SHARED_AGENT]?: SharedAgent };

function newAgent(undici: Undici): Dispatcher {
  return new undici.Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
}

/** One HTTP exchange to make. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** For error messages: the API path, e.g. `/cgi-bin/menu/create`. */
  api: string;
  /** A JSON string or a multipart form. Rebuilt for each attempt, so a retry resends it whole. */
  body?: (undici: Undici) => string | FormData;
  /** Overrides the transport's timeout for this call. */
  timeout?: number;
}

/** The answer, fully read. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Error codes proving the request never reached the server: safe to resend even a POST.
 * Anything else (a reset mid-request, a timeout) may mean WeChat already acted on it.
 */
/** The undici module. */
export type Undici = typeof import('undici');

let undici: Promise<Undici> | undefined;

/**
 * undici, loaded on the first API call rather than with the client: it needs Node's `http`, and
 * a Workers bundle must be able to import zgrobot (and make a robot) without it.
 */
function loadUndici(): Promise<Undici> {
  undici ??= import('undici');
  return undici;
}

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Error codes of a failed connection, where a GET (which changes nothing) can be resent. */
const CONNECTION_CODES = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** The first `code` found on an error or along its `cause` chain. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * Sends requests to WeChat over undici with keep-alive, per-call timeouts and careful retries:
 * GETs are retried with exponential backoff after connection errors; a POST is resent only when
 * the connection was never made, because a POST that reached WeChat may already have acted
 * (sent a message to a user) even if its answer was lost.
 */
export class Transport {
  /** The dispatcher given, or ours once made (undici is loaded on the first call). */
  private dispatcher: Dispatcher | undefined;
  /** Where the dispatcher comes from when none is given and it is not ours alone. */
  private readonly shared: SharedAgent | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly timeout: number;
  private readonly maxResponseBytes: number;
  private readonly retries: number;
  private readonly retryDelay: number;
  private readonly logger: Logger;
  private closing: Promise<void> | undefined;

  constructor(options: SharingTransportOptions = {}) {
    this.dispatcher = options.dispatcher;
    this.shared = options.dispatcher === undefined ? options[SHARED_AGENT] : undefined;
    this.ownsDispatcher = options.dispatcher === undefined && this.shared === undefined;
    this.timeout = options.timeout ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (!(this.maxResponseBytes > 0)) {
      throw new RangeError(`maxResponseBytes must be positive, got ${this.maxResponseBytes}`);
    }
    this.retries = options.retries ?? 2;
    this.retryDelay = options.retryDelay ?? 100;
    this.logger = options.logger ?? silentLogger;
  }

  /** Send `req`, retrying where that is safe. Throws a network or timeout error. */
  async send(req: TransportRequest): Promise<TransportResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(req);
      } catch (error) {
        if (error instanceof WeChatTimeoutError || error instanceof WeChatResponseTooLargeError) {
          throw error;
        }
        const code = errorCode(error);
        const retryable =
          code !== undefined &&
          (req.method === 'GET' ? CONNECTION_CODES.has(code) : NOT_SENT_CODES.has(code));
        if (!retryable || attempt >= this.retries) {
          throw new WeChatNetworkError(req.api, error, code);
        }
        const delay = this.retryDelay * 2 ** attempt;
        this.logger.warn(
          { api: req.api, code, retry: attempt + 1, delay, err: error },
          'zgrobot: WeChat API call failed, retrying',
        );
        await sleep(delay);
      }
    }
  }

  /**
   * Close the keep-alive connections, if the dispatcher is ours (not one given, nor a
   * {@link SharedAgent}). Safe to call twice.
   */
  async close(): Promise<void> {
    if (!this.ownsDispatcher || this.closing) return this.closing;
    this.closing = this.dispatcher?.close() ?? Promise.resolve();
    return this.closing;
  }

  private async attempt(req: TransportRequest): Promise<TransportResponse> {
    const timeout = req.timeout ?? this.timeout;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout);
    try {
      const undici = await loadUndici();
      const body = req.body?.(undici);
      const headers: Record<string, string> = { accept: 'application/json, */*' };
      if (typeof body === 'string') headers['content-type'] = 'application/json; charset=utf-8';
      this.dispatcher ??= this.shared?.get(undici) ?? newAgent(undici);
      const res = await undici.request(req.url, {
        method: req.method,
        headers,
        body,
        dispatcher: this.dispatcher,
        signal: controller.signal,
      });
      const data = await readCapped(res, this.maxResponseBytes, req.api);
      return { status: res.statusCode, headers: res.headers, body: data };
    } catch (error) {
      if (controller.signal.aborted) throw new WeChatTimeoutError(req.api, timeout);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
