import type { Middleware } from 'koa';
import { checkSignature, computeSignature } from '../src/crypto/signature.js';
import type { Logger } from '../src/logger.js';
import { defaultErrorPage, type ErrorPage } from './error-page.js';
import { queryParam, stateOf } from './state.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** The token set in the WeChat admin console. */
  token: string;
  /** The page answered with 403 on a bad signature; defaults to the built-in page. */
  errorPage?: ErrorPage;
  logger?: Logger;
}

/**
 * Checks WeChat's `signature` on every request. A bad or missing one gets 403 and the error page,
 * and no later stage runs. A GET with `echostr` (the URL check WeChat makes when the admin saves
 * the server address) is answered with `echostr`. Only GET and POST are accepted.
 *
 * @example
 * ```ts
 * app.use(verify({ token: 'tokenhere' })).use(router(routes));
 * ```
 */
export function verify(options: VerifyOptions): Middleware {
  const errorPage = options.errorPage ?? defaultErrorPage;
  return async (ctx, next) => {
    const state = stateOf(ctx, options.logger);
    if (ctx.method !== 'GET' && ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, POST');
      ctx.body = 'method not allowed';
      state.logger.warn(
        `zgrobot: refused ${ctx.method} ${ctx.path}: only GET and POST are WeChat's`,
      );
      return;
    }
    const timestamp = queryParam(ctx, 'timestamp');
    const nonce = queryParam(ctx, 'nonce');
    const signature = queryParam(ctx, 'signature');
    if (!checkSignature({ token: options.token, timestamp, nonce, signature })) {
      state.logger.warn(`zgrobot: refused ${ctx.method} ${ctx.path} from ${ctx.ip}: bad signature`);
      state.logger.debug(
        `zgrobot: expected signature ${timestamp !== undefined && nonce !== undefined ? computeSignature(options.token, timestamp, nonce) : '(timestamp or nonce missing)'}, received ${signature ?? '(none)'}`,
      );
      ctx.status = 403;
      ctx.type = 'html';
      ctx.body = errorPage(ctx.href);
      return;
    }
    if (ctx.method === 'GET') {
      ctx.type = 'text';
      ctx.body = queryParam(ctx, 'echostr') ?? '';
      return;
    }
    await next();
  };
}
