import type { Middleware } from 'koa';
import type { ZgRoBot } from '../robot.js';

/**
 * What {@link mountKoa} needs of a router: an `all(path, middleware)` method, as `@koa/router`
 * has. Written out here rather than imported, so these types compile for a project that has no
 * `@koa/router` installed.
 */
export interface KoaRouterLike {
  all(path: string, middleware: Middleware): unknown;
}

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
export function mountKoa<R extends KoaRouterLike>(router: R, path: string, robot: ZgRoBot): R {
  router.all(path, robot.middleware());
  return router;
}
