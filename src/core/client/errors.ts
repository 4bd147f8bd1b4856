import { WechatError } from '../errors.js';

/**
 * WeChat answered with a non-zero `errcode`. Every client call throws this instead of resolving
 * with an error body, so `await client.createMenu(...)` either succeeded or threw.
 *
 * @example
 * ```ts
 * try {
 *   await client.createMenu(menu);
 * } catch (error) {
 *   if (error instanceof WeChatApiError && error.errcode === 48001) console.log('no permission');
 * }
 * ```
 */
export class WeChatApiError extends WechatError {
  override name = 'WeChatApiError';
  /** WeChat's error code (e.g. `40001` invalid token, `48001` API unauthorized). */
  readonly errcode: number;
  /** WeChat's error text, as sent. */
  readonly errmsg: string;
  /** The API path that failed, e.g. `/cgi-bin/menu/create`. */
  readonly api: string;

  constructor(errcode: number, errmsg: string, api: string) {
    super(`WeChat API ${api} failed: ${errcode} ${errmsg}`, { status: 502, expose: false });
    this.errcode = errcode;
    this.errmsg = errmsg;
    this.api = api;
  }
}

/**
 * WeChat (or a proxy in front of it) answered with something that is not the JSON the API
 * promises: an HTTP error status without an `errcode`, HTML, or malformed JSON.
 */
export class WeChatResponseError extends WechatError {
  override name = 'WeChatResponseError';
  /** The API path that was called. */
  readonly api: string;
  /** The HTTP status of the answer. */
  readonly httpStatus: number;
  /** The first 200 characters of the body, to tell a proxy page from a WeChat answer. */
  readonly body: string;

  constructor(message: string, api: string, httpStatus: number, body: string) {
    super(`WeChat API ${api}: ${message} (HTTP ${httpStatus}): ${body}`, {
      status: 502,
      expose: false,
    });
    this.api = api;
    this.httpStatus = httpStatus;
    this.body = body;
  }
}

/**
 * The request never got an answer: connection refused or reset, DNS failure, TLS failure.
 * `cause` holds undici's error; `code` its error code (e.g. `ECONNREFUSED`) when it has one.
 */
export class WeChatNetworkError extends WechatError {
  override name = 'WeChatNetworkError';
  /** The API path that was called. */
  readonly api: string;
  /** The system or undici error code, when known. */
  readonly code: string | undefined;

  constructor(api: string, cause: unknown, code: string | undefined) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`WeChat API ${api}: network error${code ? ` ${code}` : ''}: ${detail}`, {
      status: 502,
      expose: false,
      cause,
    });
    this.api = api;
    this.code = code;
  }
}

/** The call did not complete within its timeout (see `ClientOptions.timeout`). */
export class WeChatTimeoutError extends WechatError {
  override name = 'WeChatTimeoutError';
  /** The API path that was called. */
  readonly api: string;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeout: number;

  constructor(api: string, timeout: number) {
    super(`WeChat API ${api}: no answer within ${timeout} ms`, { status: 504, expose: false });
    this.api = api;
    this.timeout = timeout;
  }
}

/**
 * The answer was larger than the client's `maxResponseBytes` (default 32 MiB): the client stopped
 * reading it and closed the connection rather than hold it all in memory.
 */
export class WeChatResponseTooLargeError extends WechatError {
  override name = 'WeChatResponseTooLargeError';
  /** The API path that was called. */
  readonly api: string;
  /** The limit that was passed, in bytes. */
  readonly limit: number;

  constructor(api: string, limit: number) {
    super(`WeChat API ${api}: answer larger than ${limit} bytes (maxResponseBytes)`, {
      status: 502,
      expose: false,
    });
    this.api = api;
    this.limit = limit;
  }
}

/** `errcode`s that mean the access token is invalid or expired: refresh it and retry once. */
export const TOKEN_ERROR_CODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);
