import type { FetchRequestInfo } from '../fetch.js';
import type { ZgRoBot } from '../robot.js';

export type { FetchRequestInfo } from '../fetch.js';

/** A fetch-standard handler: Hono, Next.js route handlers, Bun, Deno, Workers and serverless runtimes. */
export type FetchHandler = (request: Request, info?: FetchRequestInfo) => Promise<Response>;

/**
 * The robot as a fetch handler `(Request) => Promise<Response>` (the same as `robot.fetch`). It
 * runs the robot's stages on the standard `Request` with Web APIs only — no Koa, no Node `http`
 * or streams — so it works on Node, Bun, Deno and Cloudflare Workers (with the `nodejs_compat`
 * flag, for `node:crypto` and `Buffer`). The body is read as a stream within the robot's
 * `bodyLimit`. A bare `Request` does not carry the client's address: pass it as
 * `handle(request, { remoteAddress })` (Hono: from `getConnInfo`) for `ctx.ip` and the logs.
 *
 * On Workers and Bun, give the robot a session storage that runs there (`MemoryStorage`, or
 * your own over KV or D1): the default SQLite file needs Node's better-sqlite3.
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
  return (request, info) => robot.fetch(request, info);
}
