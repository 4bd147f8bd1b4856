import { WechatError } from '../src/core/errors.js';

/**
 * The HTTP side of one request, as the stages and your handlers see it: the part of Koa's
 * context that zgrobot uses. Koa's own context has all of it, so every stage is a Koa
 * middleware; the fetch adapter builds one from a standard `Request`, so the same stages run on
 * Bun, Deno and Workers without Koa or Node's `http`.
 */
export interface HttpContext {
  /** The request method, upper case. */
  readonly method: string;
  /** The URL's path, without the query. */
  readonly path: string;
  /** The full URL, as the client sent it. */
  readonly href: string;
  /** The client's address. */
  readonly ip: string;
  /** The query's parameters; a repeated one is an array. */
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  /** A request header, `''` when absent. */
  get(field: string): string;
  /** Sets a response header. */
  set(field: string, value: string): void;
  /** The response status. */
  status: number;
  /** The response's content type, without parameters; set it as `'text'`, `'html'`, or a MIME type. */
  type: string;
  /** The response body (a string, for everything zgrobot answers). */
  body: unknown;
}

/**
 * Where a request's body comes from and whether its client is still there: what differs
 * between a Node request and a fetch `Request`.
 */
export interface Exchange {
  /**
   * The body as text, at most `limit` bytes, within `timeout` ms.
   *
   * @throws {WechatError} 413 past `limit`, 408 past `timeout`, 400 when it cannot be read.
   */
  readBody(limit: number, timeout: number): Promise<string>;
  /** Whether the client went away before the answer was sent. */
  readonly gone: boolean;
}

/**
 * What the stages read besides {@link HttpContext}: the fetch adapter's `exchange`, or Koa's
 * Node request and response (`req`, `res`, and `request` where a body parser keeps its text).
 */
export interface StageContext extends HttpContext {
  exchange?: Exchange;
  readonly req?: unknown;
  readonly res?: unknown;
  readonly request?: unknown;
}

/**
 * One stage of the pipeline. It takes any {@link HttpContext}, so it is a Koa middleware as it is
 * (`app.use(verify({ token }))`) and runs under the fetch adapter too.
 */
export type Stage = (ctx: HttpContext, next: () => Promise<void>) => Promise<void>;

/**
 * `stage`, with a synchronous throw turned into a rejected promise: a stage written as a plain
 * function (no `async` frame per request) still answers every call with a promise, as Koa and
 * koa-compose expect of middleware and as a caller awaiting it directly may.
 */
export function rejectingThrows(stage: Stage): Stage {
  return (ctx, next) => {
    try {
      return stage(ctx, next);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** The context as the stages read it. */
export function stageContext(ctx: HttpContext): StageContext {
  return ctx as StageContext;
}

type NodeBodyReader = (ctx: StageContext, limit: number, timeout: number) => Promise<string>;
let nodeReader: NodeBodyReader | undefined;

/**
 * The request's body as text, from the fetch adapter's {@link Exchange} or from Koa's Node
 * request. The Node reader (raw-body) is loaded on first use, so a Workers bundle never
 * evaluates it.
 *
 * @throws {WechatError} 413 past `limit`, 408 past `timeout`, 400 when it cannot be read.
 */
export async function readRequestBody(
  ctx: HttpContext,
  limit: number,
  timeout: number,
): Promise<string> {
  const staged = stageContext(ctx);
  if (staged.exchange) return staged.exchange.readBody(limit, timeout);
  if (staged.req === undefined) {
    throw new WechatError('no request body to read: the context has no exchange', {
      status: 400,
    });
  }
  nodeReader ??= (await import('./node-body.js')).readNodeBody;
  return nodeReader(staged, limit, timeout);
}

/** Whether the request's client went away before the answer was sent. */
export function clientGone(ctx: HttpContext): boolean {
  const staged = stageContext(ctx);
  if (staged.exchange) return staged.exchange.gone;
  return (staged.res as { destroyed?: boolean } | undefined)?.destroyed === true;
}
