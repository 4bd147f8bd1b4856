import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { inject } from 'light-my-request';

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

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
type InjectMethod = (typeof METHODS)[number];

function injectMethod(method: string): InjectMethod {
  const upper = method.toUpperCase();
  const found = METHODS.find((m) => m === upper);
  if (!found) throw new TypeError(`unsupported HTTP method ${method}`);
  return found;
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
