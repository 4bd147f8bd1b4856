import Koa from 'koa';
import { upstreamBody } from '../../middleware/upstream-body.js';
import type { ZgRoBot } from '../robot.js';

/**
 * The Koa application the adapters run: the robot's pipeline, preceded by {@link upstreamBody}
 * so a body another framework already read is used as it is. Errors that escape (a broken
 * socket) go to the robot's logger.
 *
 * @example
 * ```ts
 * const handler = robotApp(robot).callback(); // (req, res) => void
 * ```
 */
export function robotApp(robot: ZgRoBot): Koa {
  const app = new Koa();
  app.use(upstreamBody());
  app.use(robot.middleware());
  app.on('error', (error: unknown) => robot.logger.error('zgrobot: server error', error));
  return app;
}
