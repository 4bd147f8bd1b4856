import type { IncomingMessage, ServerResponse } from 'node:http';
// biome-ignore lint/style/noRestrictedImports: the one module that reads Node bodies, itself loaded on first use.
import getRawBody from 'raw-body';
import { bounded } from '../src/core/bounded.js';
import { WechatError } from '../src/core/errors.js';
import { bodyTooLarge, bodyTooSlow, type StageContext } from './context.js';

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
function upstreamText(ctx: StageContext): string | undefined {
  const request = (ctx.request ?? {}) as BodyCarrier;
  const req = ctx.req as BodyCarrier;
  return textOf(request.rawBody) ?? textOf(req.rawBody) ?? textOf(request.body) ?? textOf(req.body);
}

/**
 * The body of a Koa context's Node request as text. An upstream body parser may have consumed the
 * stream already: then the text it kept is used (see {@link upstreamText}). Loaded only under
 * Node (see `readRequestBody` in context.ts).
 *
 * @throws {WechatError} 413 past `limit` bytes; 408 when it takes longer than `timeout` ms (the
 * request is destroyed once the answer is sent); 400 when the stream breaks off, or when another
 * parser consumed it and kept no text.
 */
export async function readNodeBody(
  ctx: StageContext,
  limit: number,
  timeout: number,
): Promise<string> {
  const upstream = upstreamText(ctx);
  if (upstream !== undefined) {
    if (Buffer.byteLength(upstream) > limit) throw bodyTooLarge(limit);
    return upstream;
  }
  const req = ctx.req as IncomingMessage;
  const res = ctx.res as ServerResponse;
  // A client that slow is not WeChat: after the 408 is sent the request is destroyed (its
  // socket with it) rather than read to the end.
  return bounded(readStream(ctx, req, limit), timeout, () => {
    const drop = () => req.destroy();
    res.once('finish', drop).once('close', drop);
    return bodyTooSlow(timeout);
  });
}

async function readStream(ctx: StageContext, req: IncomingMessage, limit: number): Promise<string> {
  if (req.readableEnded) {
    throw new WechatError(
      'another body parser read the request and kept no text: mount the robot before it, or keep the body as text (e.g. express.text({ type: "*/*" }))',
      { status: 400 },
    );
  }
  try {
    return await getRawBody(req, {
      limit,
      encoding: 'utf8',
      length: ctx.get('content-length') || undefined,
    });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw bodyTooLarge(limit);
    throw new WechatError('could not read the request body', { status: 400, cause: error });
  }
}
