import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ZgRoBot } from '../robot.js';

/**
 * An Express-style handler; typed on Node's own request and response, so it fits Express 4 and
 * 5 (and Connect) without their types.
 */
export type ExpressHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * The robot as an Express 5 route handler. It answers every request it gets (403 on a bad
 * signature, the echostr, the reply), so mount it on the bot's path only. It works whether or not
 * a body parser ran first: a string or Buffer `req.body` (from `express.text()`/`express.raw()`)
 * is used as the body, so the stream is not read twice.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { expressHandler } from 'zgrobot/contrib/express';
 *
 * const app = express();
 * app.all('/wechat', expressHandler(robot));
 * app.listen(8080);
 * ```
 */
export function expressHandler(robot: ZgRoBot): ExpressHandler {
  const callback = robot.callback();
  return (req, res) => {
    callback(req, res);
  };
}
