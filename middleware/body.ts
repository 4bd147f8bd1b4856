import type { Middleware, ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import { bounded } from '../src/core/bounded.js';
import { WechatError } from '../src/core/errors.js';
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
export function body(options: BodyOptions = {}): Middleware {
  return async (ctx, next) => {
    if (ctx.method === 'POST') await readBody(ctx, options.bodyLimit, options.bodyTimeout);
    return next();
  };
}

type BodyCarrier = { rawBody?: unknown; body?: unknown };

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/**
 * The body another body parser already read, if it kept the text: Koa's `ctx.request.rawBody` or
 * a string/Buffer `ctx.request.body`, or the same on the Node request, where Express and Fastify
 * parsers leave it (`express.text()`, `express.raw()`).
 */
function upstreamText(ctx: ParameterizedContext): string | undefined {
  const request = ctx.request as unknown as BodyCarrier;
  const req = ctx.req as unknown as BodyCarrier;
  return textOf(request.rawBody) ?? textOf(req.rawBody) ?? textOf(request.body) ?? textOf(req.body);
}

/**
 * The request body as text, read once per request. An upstream body parser may have consumed the
 * stream already: then the text it kept is used (see {@link upstreamText}).
 *
 * @throws {WechatError} 413 past `limit` bytes; 408 when it takes longer than `timeout` ms (the
 * request is destroyed once the answer is sent); 400 when the stream breaks off, or when another
 * parser consumed it and kept no text.
 */
export async function readBody(
  ctx: ParameterizedContext,
  limit = DEFAULT_BODY_LIMIT,
  timeout = DEFAULT_BODY_TIMEOUT,
): Promise<string> {
  const state = stateOf(ctx);
  if (state.body !== undefined) return state.body;
  const body = upstreamText(ctx) ?? (await withinTimeout(ctx, readStream(ctx, limit), timeout));
  if (Buffer.byteLength(body) > limit) throw tooLarge(limit);
  state.body = body;
  return body;
}

async function readStream(ctx: ParameterizedContext, limit: number): Promise<string> {
  if (ctx.req.readableEnded) {
    throw new WechatError(
      'another body parser read the request and kept no text: mount the robot before it, or keep the body as text (e.g. express.text({ type: "*/*" }))',
      { status: 400 },
    );
  }
  try {
    return await getRawBody(ctx.req, {
      limit,
      encoding: 'utf8',
      length: ctx.get('content-length') || undefined,
    });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw tooLarge(limit);
    throw new WechatError('could not read the request body', { status: 400, cause: error });
  }
}

/**
 * `reading`, or a 408 once `timeout` ms have passed. A client that slow is not WeChat: after the
 * 408 is sent the request is destroyed (its socket with it) rather than read to the end.
 */
function withinTimeout(
  ctx: ParameterizedContext,
  reading: Promise<string>,
  timeout: number,
): Promise<string> {
  return bounded(reading, timeout, () => {
    const drop = () => ctx.req.destroy();
    ctx.res.once('finish', drop).once('close', drop);
    return new WechatError(`request body not received within ${timeout} ms`, { status: 408 });
  });
}

function tooLarge(limit: number): WechatError {
  return new WechatError(`request body larger than ${limit} bytes`, { status: 413 });
}
