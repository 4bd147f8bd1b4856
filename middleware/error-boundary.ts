import { WechatError } from '../src/core/errors.js';
import { messageFields } from '../src/core/log-fields.js';
import type { Logger } from '../src/core/logger.js';
import type { Stage } from './context.js';
import { stateOf } from './state.js';

/**
 * Turns whatever a later stage throws into a sensible answer and a log line: a bad request
 * (malformed XML, broken ciphertext, a body too large) gets its status and a short plain
 * message; anything unexpected is logged with its stack and answered `success`, so WeChat shows
 * the user nothing broken and does not retry. No stack trace ever reaches the caller.
 *
 * @example
 * ```ts
 * app.use(errorBoundary({ logger: console })).use(verify({ token })).use(router(routes));
 * ```
 */
export function errorBoundary(options: { logger?: Logger } = {}): Stage {
  return async (ctx, next) => {
    // The first stage to run makes the request's state, with its logger.
    const state = stateOf(ctx, options.logger);
    const logger = options.logger ?? state.logger;
    try {
      await next();
    } catch (error) {
      if (error instanceof WechatError && error.status < 500) {
        logger.warn(
          { method: ctx.method, path: ctx.path, ip: ctx.ip, err: error },
          'zgrobot: refused a request',
        );
        ctx.status = error.status;
        ctx.type = 'text/plain';
        ctx.body = error.expose ? error.message : 'bad request';
        return;
      }
      logger.error(
        { method: ctx.method, path: ctx.path, ...messageFields(state.message), err: error },
        'zgrobot: error while answering',
      );
      ctx.status = 200;
      ctx.type = 'text/plain';
      ctx.body = 'success';
    }
  };
}
