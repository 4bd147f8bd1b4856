import type { Router as KoaRouter } from '@koa/router';
import type { ZgRoBot } from '../robot.js';

/**
 * Mounts the robot on a `@koa/router` at `path` (GET for the URL check, POST for messages; the
 * pipeline answers 405 to anything else). Equivalent to `router.all(path, robot.middleware())`.
 * A body parser before it (koa-bodyparser with `rawBody`) is fine: its `ctx.request.rawBody` is used.
 *
 * @example
 * ```ts
 * import Koa from 'koa';
 * import Router from '@koa/router';
 * import { mountKoa } from 'zgrobot/contrib/koa';
 *
 * const router = mountKoa(new Router(), '/wechat', robot);
 * new Koa().use(router.routes()).use(router.allowedMethods()).listen(8080);
 * ```
 */
export function mountKoa<R extends KoaRouter>(router: R, path: string, robot: ZgRoBot): R {
  router.all(path, robot.middleware());
  return router;
}
