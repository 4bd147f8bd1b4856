import { type IncomingMessage, METHODS, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { type InjectOptions, inject } from 'light-my-request';

/** A Node request handler: what `robot.callback()` and Koa's `app.callback()` return. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A request to run through a {@link NodeHandler} in memory. */
export interface DispatchRequest {
  method: string;
  /** Path and query, e.g. `/wechat?signature=…`. */
  url: string;
  headers?: Record<string, string>;
  /** The body: text, bytes, or a stream (read by the handler itself, with its own size limit). */
  body?: string | Buffer | Readable;
  /** The client address the handler sees (`ctx.ip`); default `127.0.0.1`. */
  remoteAddress?: string;
}

/** What the handler answered. */
export interface DispatchResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

// light-my-request accepts every method Node's HTTP parser knows (PROPFIND, MKCOL…), though its
// types list only seven; the handler, not this layer, decides which methods it answers.
type InjectMethod = NonNullable<InjectOptions['method']>;
const NODE_METHODS: ReadonlySet<string> = new Set(METHODS);

/** Whether {@link dispatch} can carry `method` (every method Node's own HTTP server accepts). */
export function isDispatchable(method: string): boolean {
  return NODE_METHODS.has(method.toUpperCase());
}

function injectMethod(method: string): InjectMethod {
  const upper = method.toUpperCase();
  if (!NODE_METHODS.has(upper)) throw new TypeError(`unsupported HTTP method ${method}`);
  return upper as InjectMethod;
}

/**
 * Runs a Node `(req, res)` handler in memory, without a socket, and collects its answer. Built on
 * light-my-request (Fastify's `inject`): real `IncomingMessage`/`ServerResponse` objects, so Koa
 * and the whole pipeline run exactly as behind `http.createServer`.
 *
 * @example
 * ```ts
 * const res = await dispatch(robot.callback(), { method: 'GET', url: '/?signature=…&echostr=hi' });
 * res.status; // 200
 * res.body.toString(); // 'hi'
 * ```
 */
export async function dispatch(
  handler: NodeHandler,
  request: DispatchRequest,
): Promise<DispatchResponse> {
  const response = await inject(handler, {
    method: injectMethod(request.method),
    url: request.url,
    headers: request.headers ?? {},
    remoteAddress: request.remoteAddress ?? '127.0.0.1',
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return { status: response.statusCode, headers, body: response.rawPayload };
}
