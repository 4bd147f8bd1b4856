import type { IncomingMessage, ServerResponse } from 'node:http';
// biome-ignore lint/style/noRestrictedImports: the one module that reads Node bodies, itself loaded on first use.
import getRawBody from 'raw-body';
import { bounded } from '../src/core/bounded.js';
import { bodyTooLarge, bodyTooSlow, WechatError } from '../src/core/errors.js';
import type { StageContext } from './context.js';

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
  const tooSlow = () => {
    const drop = () => req.destroy();
    res.once('finish', drop).once('close', drop);
    return bodyTooSlow(timeout);
  };
  if (req.readableEnded) {
    throw new WechatError(
      'another body parser read the request and kept no text: mount the robot before it, or keep the body as text (e.g. express.text({ type: "*/*" }))',
      { status: 400 },
    );
  }
  const declared = ctx.get('content-length');
  const length = /^\d+$/.test(declared) ? Number(declared) : undefined;
  if (length !== undefined && length > limit) throw bodyTooLarge(limit);
  try {
    // WeChat always says how long its body is: then it is read straight, its time bound kept by
    // the read itself, without raw-body's generality (decoder, limit parsing, halting pipes).
    if (length !== undefined && !req.readableEncoding) {
      const buffered = await bufferedBody(req, length);
      if (buffered !== undefined) return buffered;
      return await readLength(req, length, timeout, tooSlow);
    }
    return await bounded(getRawBody(req, { limit, encoding: 'utf8', length }), timeout, tooSlow);
  } catch (error) {
    if (error instanceof WechatError) throw error; // the 408
    const status = (error as { status?: number }).status;
    if (status === 413) throw bodyTooLarge(limit);
    throw new WechatError('could not read the request body', { status: 400, cause: error });
  }
}

/**
 * The body when all `length` bytes of it are already buffered, taken without listeners, a timer or
 * flowing mode; `undefined` otherwise. The stages reach the body while Node's parser is still in
 * the 'request' event, before it pushes the body; a body that came with its headers (WeChat's
 * always does) is pushed by the time one microtask has passed, so one is waited for.
 */
async function bufferedBody(req: IncomingMessage, length: number): Promise<string | undefined> {
  if (length === 0) return '';
  if (req.readableFlowing) return undefined; // someone else reads it as it comes: leave it to them
  if (req.readableLength < length) await undefined;
  if (req.readableLength !== length) return undefined;
  const body = req.read(length) as Buffer | null;
  return body === null ? undefined : body.toString('utf8');
}

/**
 * Exactly `length` bytes of `req` as UTF-8 text, within `timeout` ms (`0` or `Infinity`: no
 * bound; past it, `tooSlow()`'s error). Rejects when the stream fails or closes before its end,
 * or ends with another length (the caller makes that a 400).
 */
function readLength(
  req: IncomingMessage,
  length: number,
  timeout: number,
  tooSlow: () => Error,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let more: Buffer[] | undefined;
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > length) return finish(new Error('request larger than its content-length'));
      if (first === undefined) first = chunk;
      else {
        more ??= [first];
        more.push(chunk);
      }
    };
    const onEnd = () => {
      if (received !== length)
        return finish(new Error('request size did not match content length'));
      const body = more ? Buffer.concat(more, received) : first;
      finish(undefined, body ? body.toString('utf8') : '');
    };
    const onError = (error: Error) => finish(error);
    const onClose = () => finish(new Error('request aborted'));
    const timer =
      Number.isFinite(timeout) && timeout > 0
        ? setTimeout(() => finish(tooSlow()), timeout)
        : undefined;
    timer?.unref?.(); // as bounded()'s: the socket, not this timer, keeps the process up
    function finish(error: Error | undefined, text?: string) {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(text as string);
    }
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
