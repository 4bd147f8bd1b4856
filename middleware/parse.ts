import { WechatError } from '../src/core/errors.js';
import type { Logger } from '../src/core/logger.js';
import { messageFromElement } from '../src/core/messages/parse.js';
import { parseXml } from '../src/core/messages/xml.js';
import { readBody } from './body.js';
import { type HttpContext, rejectingThrows, type Stage } from './context.js';
import { type PipelineState, stateOf } from './state.js';

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
  return rejectingThrows((ctx, next) => {
    const pending = parseInto(ctx, options);
    return pending ? pending.then(() => next()) : next();
  });
}

/**
 * Sets `ctx.wechat.message` unless an earlier stage did; shared with `router()`. Parses at once
 * when the XML is there already (left by `decrypt()`), else once the body is read: then it
 * returns the promise of that.
 *
 * @throws {WechatError} (400) for an empty body; {@link XmlParseError} for malformed XML.
 */
export function parseInto(ctx: HttpContext, options: ParseOptions = {}): Promise<void> | undefined {
  const state = stateOf(ctx, options.logger);
  if (state.message) return undefined;
  if (state.xml !== undefined) {
    parseText(state, state.xml);
    return undefined;
  }
  return readBody(ctx, options.bodyLimit, options.bodyTimeout).then((xml) => parseText(state, xml));
}

function parseText(state: PipelineState, xml: string): void {
  if (xml.trim() === '') throw new WechatError('empty request body', { status: 400 });
  state.xml = xml;
  state.message = messageFromElement(parseXml(xml), xml);
}
