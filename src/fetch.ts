import type { Exchange, Stage, StageContext } from '../middleware/context.js';
import { contentTypeOf, parseQuery, type Query } from './context-rules.js';
import { bounded } from './core/bounded.js';
import { bodyTooLarge, bodyTooSlow, WechatError } from './core/errors.js';

/** What a runtime may know about a request beyond the `Request` itself. */
export interface FetchRequestInfo {
  /** The client's address, for `ctx.ip` and the logs (default `''`: unknown). */
  remoteAddress?: string;
  /**
   * Keeps the runtime alive for work that goes on after the `Response` (a handler past the reply
   * deadline or after `defer()`, its late reply): Cloudflare Workers' `ctx.waitUntil`, bound.
   */
  waitUntil?: (work: Promise<unknown>) => void;
}

/** Statuses whose response must have no body (the `Response` constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * Runs `stages` on a standard `Request` and answers with a `Response`, with Web APIs only (no
 * Koa, no Node `http` or streams): what `robot.fetch` and `fetchHandler` do.
 */
export async function handleFetch(
  stages: Stage,
  request: Request,
  info: FetchRequestInfo = {},
): Promise<Response> {
  const ctx = new FetchContext(request, info.remoteAddress ?? '');
  await stages(ctx, async () => {});
  return ctx.response(request.method === 'HEAD');
}

/**
 * A {@link StageContext} over a `Request`: what Koa's context would say, for the members the
 * stages use. A body set without a status makes it 200, as in Koa; nothing set is a 404.
 */
class FetchContext implements StageContext {
  readonly method: string;
  readonly path: string;
  readonly href: string;
  readonly ip: string;
  readonly query: Query;
  readonly exchange: Exchange;
  readonly #request: Request;
  readonly #headers = new Headers();
  #status = 404;
  #statusSet = false;
  #contentType = '';
  #body: unknown;

  constructor(request: Request, ip: string) {
    this.#request = request;
    const url = new URL(request.url);
    this.method = request.method;
    this.path = url.pathname;
    this.href = request.url;
    this.ip = ip;
    this.query = parseQuery(url.search.slice(1));
    this.exchange = fetchExchange(request);
  }

  get(field: string): string {
    return this.#request.headers.get(field) ?? '';
  }

  set(field: string, value: string): void {
    this.#headers.set(field, value);
  }

  get status(): number {
    return this.#status;
  }

  set status(value: number) {
    this.#status = value;
    this.#statusSet = true;
  }

  get type(): string {
    return this.#contentType.split(';')[0] ?? '';
  }

  set type(value: string) {
    this.#contentType = contentTypeOf(value) ?? '';
  }

  get body(): unknown {
    return this.#body;
  }

  set body(value: unknown) {
    this.#body = value;
    if (!this.#statusSet) this.#status = value === null ? 204 : 200;
  }

  /** The answer: status, headers, body (none for HEAD and the null-body statuses). */
  response(head: boolean): Response {
    let body = this.#body;
    if (body === undefined && !this.#statusSet) body = 'Not Found';
    if (typeof body === 'string' && !this.#contentType) {
      this.type = /^\s*</.test(body) ? 'html' : 'text';
    } else if (body !== null && typeof body === 'object' && !(body instanceof Uint8Array)) {
      body = JSON.stringify(body);
      if (!this.#contentType) this.type = 'json';
    }
    if (this.#contentType) this.#headers.set('content-type', this.#contentType);
    const empty = head || NULL_BODY.has(this.#status) || body === undefined || body === null;
    return new Response(empty ? null : (body as BodyInit), {
      status: this.#status,
      headers: this.#headers,
    });
  }
}

/** Reading a `Request`'s body within a limit and a time, and whether its client went away. */
function fetchExchange(request: Request): Exchange {
  return {
    async readBody(limit, timeout) {
      if (Number(request.headers.get('content-length')) > limit) throw bodyTooLarge(limit);
      const stream = request.body;
      if (!stream) return '';
      const reader = stream.getReader();
      return bounded(readText(reader, limit), timeout, () => {
        void reader.cancel().catch(() => {});
        return bodyTooSlow(timeout);
      });
    },
    get gone() {
      return request.signal.aborted;
    },
  };
}

async function readText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limit: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (cause) {
      throw new WechatError('could not read the request body', { status: 400, cause });
    }
    if (chunk.done) return text + decoder.decode();
    size += chunk.value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw bodyTooLarge(limit);
    }
    text += decoder.decode(chunk.value, { stream: true });
  }
}
