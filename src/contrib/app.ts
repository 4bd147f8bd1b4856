import type Koa from 'koa';
import type { ZgRoBot } from '../robot.js';

/**
 * The Koa application the adapters run: the robot's pipeline, which uses a body another
 * framework's parser already read (`req.body`/`req.rawBody` as text) as it is. Errors that escape
 * (a broken socket) go to the robot's logger.
 *
 * @example
 * ```ts
 * const handler = robotApp(robot).callback(); // (req, res) => void
 * ```
 */
export function robotApp(robot: ZgRoBot): Koa {
  return robot.koa();
}
