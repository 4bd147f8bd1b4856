import type { ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import { WechatError } from '../src/errors.js';
import { stateOf } from './state.js';

/** The default cap on a request body: WeChat messages are a few KiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

type BodyCarrier = { rawBody?: unknown; body?: unknown };

/**
 * The request body as text, read once per request. An upstream body parser may have consumed the
 * stream already: then its `ctx.request.rawBody`, or a string/Buffer `ctx.request.body`, is used.
 *
 * @throws {WechatError} 413 past `limit` bytes, 400 when the stream breaks off.
 */
export async function readBody(
  ctx: ParameterizedContext,
  limit = DEFAULT_BODY_LIMIT,
): Promise<string> {
  const state = stateOf(ctx);
  if (state.body !== undefined) return state.body;
  const request = ctx.request as unknown as BodyCarrier;
  let body: string;
  if (typeof request.rawBody === 'string') body = request.rawBody;
  else if (typeof request.body === 'string') body = request.body;
  else if (Buffer.isBuffer(request.body)) body = request.body.toString('utf8');
  else body = await readStream(ctx, limit);
  if (Buffer.byteLength(body) > limit) throw tooLarge(limit);
  state.body = body;
  return body;
}

async function readStream(ctx: ParameterizedContext, limit: number): Promise<string> {
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

function tooLarge(limit: number): WechatError {
  return new WechatError(`request body larger than ${limit} bytes`, { status: 413 });
}
