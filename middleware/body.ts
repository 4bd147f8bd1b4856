import { type Exchange, type HttpContext, readRequestBody, type Stage } from './context.js';
import { stateOf } from './state.js';

/** The default cap on a request body: WeChat messages are a few KiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The default time a body may take to arrive. WeChat sends its few KiB at once and gives up after
 * 5 s; a body still trickling in after 10 s is a slow client holding a connection.
 */
export const DEFAULT_BODY_TIMEOUT = 10_000;

/** Options of {@link body}. */
export interface BodyOptions {
  /** Largest body accepted, in bytes (default 1 MiB): past it, 413. */
  bodyLimit?: number;
  /**
   * Milliseconds the body may take to arrive (default 10 000): past it, 408 and the connection is
   * dropped. `0` or `Infinity`: no limit.
   */
  bodyTimeout?: number;
}

/**
 * Reads the body of a POST up front, within `bodyLimit` and `bodyTimeout`, so the later stages
 * (`decrypt()`, `parse()`) find it read. `pipeline()` puts it right after `verify()`: a request
 * with a bad signature is refused before a byte of its body is read.
 */
export function body(options: BodyOptions = {}): Stage {
  return (ctx, next) => {
    if (ctx.method !== 'POST' || stateOf(ctx).body !== undefined) return next();
    return readBody(ctx, options.bodyLimit, options.bodyTimeout).then(() => next());
  };
}

/**
 * The request body as text, read once per request from the request's {@link Exchange}: Koa's
 * Node request (or the text an upstream body parser kept), or the fetch adapter's `Request`.
 *
 * @throws {WechatError} 413 past `limit` bytes; 408 when it takes longer than `timeout` ms; 400
 * when the stream breaks off, or when another parser consumed it and kept no text.
 */
export async function readBody(
  ctx: HttpContext,
  limit = DEFAULT_BODY_LIMIT,
  timeout = DEFAULT_BODY_TIMEOUT,
): Promise<string> {
  const state = stateOf(ctx);
  if (state.body !== undefined) return state.body;
  const body = await readRequestBody(ctx, limit, timeout);
  state.body = body;
  return body;
}
