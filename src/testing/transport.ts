import { type DispatchResponse, dispatch, type NodeHandler } from '../dispatch.js';
import { requestUrl, type WechatRequest } from '../wechat-request.js';
import { BotUnreachableError } from './errors.js';

/** What a bot answered: status, headers, body as text. */
export interface BotResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** Sends one WeChat request to a bot and returns its answer. */
export type Transport = (request: WechatRequest) => Promise<BotResponse>;

/** Anything with a fetch-standard `fetch` method: a Hono app, `{ fetch: fetchHandler(robot) }`. */
export interface FetchTarget {
  fetch(request: Request): Response | Promise<Response>;
}

/**
 * What a test client talks to: a robot or Koa app (anything with `callback()`), a Node handler,
 * a fetch-standard app (anything with `fetch()`), or the URL of a running bot.
 */
export type BotTarget = string | URL | NodeHandler | { callback(): NodeHandler } | FetchTarget;

function fromDispatch(response: DispatchResponse): BotResponse {
  return {
    status: response.status,
    headers: response.headers,
    body: response.body.toString('utf8'),
  };
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

/**
 * In memory: the request runs through `handler` (e.g. `robot.callback()`) with no socket.
 *
 * @example
 * ```ts
 * const send = inProcessTransport(robot.callback(), '/wechat');
 * ```
 */
export function inProcessTransport(handler: NodeHandler, path = '/'): Transport {
  return async (request) =>
    fromDispatch(
      await dispatch(handler, {
        method: request.method,
        url: `${path}?${request.query}`,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
    );
}

/**
 * Over HTTP with `fetch`, to a bot listening at `url`.
 *
 * @throws {BotUnreachableError} when nothing answers at `url`.
 * @example
 * ```ts
 * const send = httpTransport('http://127.0.0.1:8888/wechat', 10_000);
 * ```
 */
export function httpTransport(url: string, timeout = 10_000): Transport {
  return async (request) => {
    const target = requestUrl(url, request);
    let response: Response;
    let body: string;
    try {
      response = await fetch(target, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout),
      });
      body = await response.text();
    } catch (error) {
      throw new BotUnreachableError(url, error);
    }
    return { status: response.status, headers: headersOf(response), body };
  };
}

/**
 * In memory, through a fetch-standard handler (a Hono app, `fetchHandler(robot)`): the request
 * is a `Request` for `http://localhost{path}?…`.
 *
 * @example
 * ```ts
 * const send = fetchTransport(honoApp, '/wechat');
 * ```
 */
export function fetchTransport(target: FetchTarget, path = '/'): Transport {
  return async (request) => {
    const response = await target.fetch(
      new Request(`http://localhost${path}?${request.query}`, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
      }),
    );
    return { status: response.status, headers: headersOf(response), body: await response.text() };
  };
}

/** The transport for a target: HTTP for a URL, in memory for anything else. */
export function transportFor(target: BotTarget, path?: string, timeout?: number): Transport {
  if (typeof target === 'string' || target instanceof URL) {
    return httpTransport(String(target), timeout);
  }
  if (typeof target === 'function') return inProcessTransport(target, path);
  if ('callback' in target) return inProcessTransport(target.callback(), path);
  return fetchTransport(target, path);
}
