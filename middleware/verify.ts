import type { Account } from '../src/core/accounts/account.js';
import { checkSignature } from '../src/core/crypto/signature.js';
import type { Logger } from '../src/core/logger.js';
import { DEFAULT_TIMESTAMP_WINDOW, isFreshTimestamp } from '../src/core/security/timestamp.js';
import { type HttpContext, rejectingThrows, type Stage } from './context.js';
import { defaultErrorPage, type ErrorPage, escapeHtml } from './error-page.js';
import { queryParam, stateOf } from './state.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** The token set in the WeChat admin console (a request's own account's token wins). */
  token: string;
  /**
   * The account requests are for when no `resolveAccount()` found one: it becomes
   * `ctx.wechat.account`, and its token is checked (`pipeline()` passes its single account).
   */
  account?: Account;
  /** The page answered with 403 on a bad signature; defaults to the built-in page. */
  errorPage?: ErrorPage;
  /**
   * How far, in seconds, a request's `timestamp` may be from now either way (default 300). An
   * older (or newer) one is refused with 403, so a leaked signed URL stops working. `0` or
   * `false` turns the check off.
   */
  timestampWindow?: number | false;
  logger?: Logger;
}

/**
 * Checks WeChat's `signature` and the `timestamp`'s age on every request. A bad or missing
 * signature, or a timestamp outside the window, gets 403 and the error page, and no later stage
 * runs (the body is not read). A GET with `echostr` (the URL check WeChat makes when the admin
 * saves the server address) is answered with `echostr`. Only GET and POST are accepted.
 *
 * @example
 * ```ts
 * app.use(verify({ token: 'tokenhere' })).use(router(routes));
 * ```
 */
export function verify(options: VerifyOptions): Stage {
  const errorPage = options.errorPage ?? defaultErrorPage;
  const window = options.timestampWindow ?? DEFAULT_TIMESTAMP_WINDOW;
  // A stage answers with a promise, even when its error page throws.
  return rejectingThrows(check);

  /** The checks, then the later stages; a promise already settled for an answer given here. */
  function check(ctx: HttpContext, next: () => Promise<void>): Promise<void> {
    // The first stage to run makes the request's state, with its logger.
    const state = stateOf(ctx, options.logger);
    const logger = options.logger ?? state.logger;
    if (ctx.method !== 'GET' && ctx.method !== 'POST') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, POST');
      ctx.body = 'method not allowed';
      logger.warn(
        { method: ctx.method, path: ctx.path, ip: ctx.ip },
        "zgrobot: refused a request: only GET and POST are WeChat's",
      );
      return ANSWERED;
    }
    const timestamp = queryParam(ctx, 'timestamp');
    const nonce = queryParam(ctx, 'nonce');
    const signature = queryParam(ctx, 'signature');
    // A resolved account's token, else the single account's.
    state.account ??= options.account;
    const token = state.account?.token ?? options.token;
    if (!checkSignature({ token, timestamp, nonce, signature })) {
      // Never the expected signature (it would let a log reader forge this request), nor the
      // received one (a correct one is as good as the expected): its length at most.
      refuse(
        ctx,
        logger,
        errorPage,
        `bad signature (received ${signature?.length ?? 0} characters)`,
      );
      return ANSWERED;
    }
    if (window && !isFreshTimestamp(timestamp, window)) {
      refuse(
        ctx,
        logger,
        errorPage,
        `timestamp missing, not a number or more than ${window} s from now (stale or replayed)`,
      );
      return ANSWERED;
    }
    if (ctx.method === 'GET') {
      ctx.type = 'text';
      ctx.body = queryParam(ctx, 'echostr') ?? '';
      return ANSWERED;
    }
    return next();
  }
}

/** What a stage that answered by itself returns: nothing more to wait for. */
const ANSWERED: Promise<void> = Promise.resolve();

/** Answers 403 with the error page, and says why in the log. */
function refuse(ctx: HttpContext, logger: Logger, errorPage: ErrorPage, reason: string): void {
  logger.warn(
    { method: ctx.method, path: ctx.path, ip: ctx.ip, reason },
    'zgrobot: refused a request',
  );
  ctx.status = 403;
  ctx.type = 'html';
  // Escaped here, so a custom page can put the URL in its HTML as it is.
  ctx.body = errorPage(escapeHtml(ctx.href));
}
