import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { ZgRoBot } from '../robot.js';

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  /** Serve the robot at this path only (others get 404); default: every path. */
  path?: string;
}

/**
 * A plain `node:http` server for the robot (not listening yet): `robot.callback()` in
 * `http.createServer`, optionally limited to one path. Call `listen()` yourself.
 *
 * @example
 * ```ts
 * import { createServer } from 'zgrobot/contrib/node-http';
 *
 * createServer(robot, { path: '/wechat' }).listen(8080, '127.0.0.1');
 * ```
 */
export function createServer(robot: ZgRoBot, options: CreateServerOptions = {}): Server {
  const callback = robot.callback();
  const { path } = options;
  if (path === undefined) return createHttpServer(callback);
  return createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === path) {
      callback(req, res);
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('not found');
  });
}
