import { WechatError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { messageFromElement } from '../src/core/messages/parse.js';
import { parseXml } from '../src/core/messages/xml.js';
import { readBody } from './body.js';
import type { HttpContext, Stage } from './context.js';
import { stateOf } from './state.js';

/** Options of {@link parse}. */
export interface ParseOptions {
  /** Largest body accepted, in bytes (default 1 MiB), when no earlier stage read it. */
  bodyLimit?: number;
  /** Milliseconds the body may take to arrive (default 10 000), when no earlier stage read it. */
  bodyTimeout?: number;
  logger?: Logger;
}

/**
 * Parses the message XML into `ctx.wechat.message`, a typed message or event. Reads the plain XML
 * left by `decrypt()`, or the body itself when there is no `decrypt()`.
 *
 * @example
 * ```ts
 * app.use(verify({ token })).use(parse()).use(async (ctx, next) => {
 *   console.log(ctx.wechat.message.type);
 *   await next();
 * });
 * ```
 */
export function parse(options: ParseOptions = {}): Stage {
  return async (ctx, next) => {
    await parseInto(ctx, options);
    return next();
  };
}

/** Sets `ctx.wechat.message` unless an earlier stage did; shared with `router()`. */
export async function parseInto(ctx: HttpContext, options: ParseOptions = {}): Promise<void> {
  const state = stateOf(ctx, options.logger);
  if (state.message) return;
  const xml = state.xml ?? (await readBody(ctx, options.bodyLimit, options.bodyTimeout));
  if (xml.trim() === '') throw new WechatError('empty request body', { status: 400 });
  state.xml = xml;
  state.message = messageFromElement(parseXml(xml), xml);
}
