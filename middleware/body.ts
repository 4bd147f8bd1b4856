import type { ParameterizedContext } from 'koa';
import getRawBody from 'raw-body';
import { WechatError } from '../src/errors.js';
import { stateOf } from './state.js';

/** The default cap on a request body: WeChat messages are a few KiB. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

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
 * @throws {WechatError} 413 past `limit` bytes; 400 when the stream breaks off, or when another
 * parser consumed it and kept no text.
 */
export async function readBody(
  ctx: ParameterizedContext,
  limit = DEFAULT_BODY_LIMIT,
): Promise<string> {
  const state = stateOf(ctx);
  if (state.body !== undefined) return state.body;
  const body = upstreamText(ctx) ?? (await readStream(ctx, limit));
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

function tooLarge(limit: number): WechatError {
  return new WechatError(`request body larger than ${limit} bytes`, { status: 413 });
}
