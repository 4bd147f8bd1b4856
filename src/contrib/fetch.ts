import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { dispatch, isDispatchable } from '../dispatch.js';
import type { ZgRoBot } from '../robot.js';

/** What a runtime may know about a request beyond the `Request` itself. */
export interface FetchRequestInfo {
  /** The client's address, for `ctx.ip` and the logs (default `127.0.0.1`). */
  remoteAddress?: string;
}

/** A fetch-standard handler: Hono, Next.js route handlers, Bun, Deno and serverless runtimes. */
export type FetchHandler = (request: Request, info?: FetchRequestInfo) => Promise<Response>;

/** Statuses whose response must have no body (the `Response` constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * The robot as a fetch handler `(Request) => Promise<Response>`. It runs the same Koa pipeline
 * as `robot.callback()`: the `Request` becomes an in-memory Node request (light-my-request, as in
 * Fastify's `inject`), the answer becomes a `Response`. The body is streamed into the pipeline,
 * whose own limit (`config.bodyLimit`) applies.
 *
 * Tradeoffs: it needs Node's `http` and `stream` modules (Node, Bun, Deno; Workers only with
 * `nodejs_compat`), and each request costs a fake request/response pair (~tens of µs), against
 * zero for a native server. A bare `Request` does not carry the client's address: pass it as
 * `handle(request, { remoteAddress })` (Hono: from `getConnInfo`) for `ctx.ip` and the logs.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { fetchHandler } from 'zgrobot/contrib/fetch';
 *
 * const handle = fetchHandler(robot);
 * const app = new Hono();
 * app.all('/wechat', (c) => handle(c.req.raw));
 * export default app;
 * ```
 */
export function fetchHandler(robot: ZgRoBot): FetchHandler {
  const callback = robot.callback();
  return async (request, info = {}) => {
    // A method Node's HTTP parser does not know cannot reach the pipeline; answer as it would.
    if (!isDispatchable(request.method)) return methodNotAllowed(request.method);
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = request.body
      ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>)
      : undefined;
    const answer = await dispatch(callback, {
      method: request.method,
      url: `${url.pathname}${url.search}`,
      headers,
      ...(body ? { body } : {}),
      ...(info.remoteAddress ? { remoteAddress: info.remoteAddress } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
    }
    const nullBody = NULL_BODY.has(answer.status) || request.method === 'HEAD';
    return new Response(nullBody ? null : new Uint8Array(answer.body), {
      status: answer.status,
      headers: responseHeaders,
    });
  };
}

function methodNotAllowed(method: string): Response {
  const body = method === 'HEAD' ? null : 'method not allowed';
  return new Response(body, { status: 405, headers: { allow: 'GET, POST' } });
}
