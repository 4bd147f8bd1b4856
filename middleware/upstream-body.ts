import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { WechatError } from '../src/errors.js';

/** What another framework's body parser may have left on the Node request. */
type ParsedRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/**
 * For a robot mounted behind another framework (Express, Fastify): when that framework's body
 * parser already read the request stream, its text (`req.rawBody`, or a string/Buffer
 * `req.body`) is handed to the pipeline as `ctx.request.rawBody`, so the body is not read twice.
 * A stream consumed by a parser that kept no text is a clear 500, not a request that hangs.
 *
 * @example
 * ```ts
 * const app = new Koa().use(upstreamBody()).use(robot.middleware());
 * expressApp.all('/wechat', express.text({ type: '*\/*' }), (req, res) => app.callback()(req, res));
 * ```
 */
export function upstreamBody(): Middleware {
  return (ctx, next) => {
    const req = ctx.req as ParsedRequest;
    const request = ctx.request as { rawBody?: unknown };
    const text = textOf(req.rawBody) ?? textOf(req.body);
    if (text !== undefined) request.rawBody ??= text;
    else if (req.readableEnded && req.body !== undefined) {
      throw new WechatError(
        'zgrobot: another body parser read the request and kept no text; mount the robot before it, or keep the body as text (express.text({ type: "*/*" }))',
        { status: 500, expose: false },
      );
    }
    return next();
  };
}
