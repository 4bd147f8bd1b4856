/**
 * A fake api.weixin.qq.com for tests and examples: a real `node:http` server on 127.0.0.1 that
 * records every request and answers from handlers a test sets per route. Real undici talks to
 * it over real sockets, so the client's whole stack (URL building, JSON, multipart, keep-alive,
 * retries, timeouts) is exercised.
 *
 * By default it issues tokens (`GET /cgi-bin/token` → `token-1`, `token-2`…; `POST
 * /cgi-bin/stable_token` → `stable-1`…) and answers `{"errcode":40001}` to any other call whose
 * `access_token` it did not issue (or has revoked), as WeChat does. It also issues JS-SDK tickets
 * (`GET /cgi-bin/ticket/getticket?type=jsapi` → `jsapi-ticket-1`…, `wx_card` → `wx_card-ticket-1`…)
 * and plays web authorization: `GET /connect/oauth2/authorize` redirects back to `redirect_uri`
 * with a code (or without one, `api.oauth.deny = true`) and the `/sns/*` endpoints accept the codes
 * and user tokens it issued (see `fake-wechat-oauth.ts`). `/connect/*` and `/sns/*` take no
 * access token. It also plays one Open Platform component (`/cgi-bin/component/*`, which take a
 * `component_access_token` instead; see `fake-wechat-component.ts`), whose authorizer tokens it
 * accepts as access tokens.
 *
 * @example
 * ```ts
 * const api = await startFakeWeChatApi();
 * api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
 * const client = new Client({ appId: 'wx1', appSecret: 's', baseUrl: api.url });
 * await client.createMenu(menu);
 * expect(api.requestsTo('/cgi-bin/menu/create')[0]?.json).toEqual(menu);
 * await api.close();
 * ```
 */
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Response } from 'undici';
import { createFakeComponent, type FakeComponent } from './fake-wechat-component.js';
import { createFakeOAuth, type FakeOAuth } from './fake-wechat-oauth.js';

/** One part of a multipart body. */
export interface MultipartPart {
  name: string;
  /** Set for file parts. */
  filename?: string;
  /** Set for file parts. */
  contentType?: string;
  data: Buffer;
  /** `data` as UTF-8. */
  text: string;
}

/** A request as the fake server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** The parts, when the body is `multipart/form-data`. */
  parts: MultipartPart[] | undefined;
}

/** How the fake server answers. */
export interface FakeReply {
  /** HTTP status; default 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Answered as `application/json` (WeChat's own answers say `text/plain`; the client must not care). */
  json?: unknown;
  /** A raw body (string or bytes); wins over `json`. */
  body?: string | Buffer;
  /** Wait this many milliseconds before answering. */
  delay?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
  /**
   * Stream this many filler bytes (`x`), chunked, with backpressure and one reused buffer: a body
   * of any size without allocating it. Stops when the client hangs up.
   */
  streamBytes?: number;
}

/** Answers one request. */
export type FakeHandler = (req: RecordedRequest) => FakeReply | Promise<FakeReply>;

/** Options of {@link startFakeWeChatApi}. */
export interface FakeWeChatApiOptions {
  /** Check `access_token` on API calls (default true). */
  checkToken?: boolean;
  /** `expires_in` of issued tokens, in seconds (default 7200). */
  expiresIn?: number;
  /** `expires_in` of issued JS-SDK tickets, in seconds (default 7200). */
  ticketExpiresIn?: number;
}

/** A running fake; see {@link startFakeWeChatApi}. */
export interface FakeWeChatApi {
  /** `http://127.0.0.1:<port>`: the client's `baseUrl` (and `mpBaseUrl`). */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** TCP connections accepted so far (to check keep-alive). */
  readonly connections: number;
  /** Tokens the fake accepts (issued and not revoked). Add to it to accept a token of your own. */
  readonly validTokens: Set<string>;
  /** The web authorization it plays: who consents, refusals, codes and user tokens issued. */
  readonly oauth: FakeOAuth;
  /** The Open Platform component it plays: its ticket, tokens, codes and refresh tokens. */
  readonly component: FakeComponent;
  /** Answer `method path` with `reply` (a fixed reply or a handler). Replaces an earlier one. */
  on(method: string, path: string, reply: FakeReply | FakeHandler): FakeWeChatApi;
  /** Requests received for `path` (any method). */
  requestsTo(path: string): RecordedRequest[];
  /** Requests to the token endpoints. */
  tokenRequests(): RecordedRequest[];
  /** Stop accepting a token (or all tokens), so calls with it get errcode 40001. */
  revokeTokens(token?: string): void;
  /** Forget requests and handlers; back to the defaults. */
  reset(): void;
  /** Stop the server and drop its connections. */
  close(): Promise<void>;
}

const TOKEN_PATHS = new Set(['/cgi-bin/token', '/cgi-bin/stable_token']);
const ANONYMOUS_PATHS = new Set([...TOKEN_PATHS, '/cgi-bin/showqrcode']);

/** Calls made without the account's access token: the token endpoints, showqrcode, web authorization. */
function isAnonymous(path: string): boolean {
  return (
    ANONYMOUS_PATHS.has(path) ||
    path.startsWith('/sns/') ||
    path.startsWith('/connect/') ||
    path.startsWith('/cgi-bin/component/')
  );
}

async function parseParts(body: Buffer, contentType: string): Promise<MultipartPart[]> {
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  const parts: MultipartPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push({ name, data: Buffer.from(value), text: value });
    } else {
      const data = Buffer.from(await value.arrayBuffer());
      parts.push({
        name,
        filename: value.name,
        contentType: value.type,
        data,
        text: data.toString('utf8'),
      });
    }
  }
  return parts;
}

async function record(req: import('node:http').IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const contentType = req.headers['content-type'] ?? '';
  let json: unknown;
  let parts: MultipartPart[] | undefined;
  if (contentType.startsWith('multipart/form-data')) {
    parts = await parseParts(rawBody, contentType);
  } else if (rawBody.length > 0) {
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      json = undefined;
    }
  }
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    rawBody,
    json,
    parts,
  };
}

async function answer(res: ServerResponse, reply: FakeReply): Promise<void> {
  if (reply.delay) await new Promise((resolve) => setTimeout(resolve, reply.delay));
  if (reply.destroy) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.streamBytes !== undefined) {
    res.writeHead(reply.status ?? 200, headers);
    await streamFiller(res, reply.streamBytes);
    return;
  }
  let body: string | Buffer = '';
  if (reply.body !== undefined) {
    body = reply.body;
  } else if (reply.json !== undefined) {
    body = JSON.stringify(reply.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status ?? 200, headers);
  res.end(body);
}

const FILLER = Buffer.alloc(64 * 1024, 'x');

async function streamFiller(res: ServerResponse, bytes: number): Promise<void> {
  let left = bytes;
  while (left > 0 && !res.destroyed) {
    const chunk = left >= FILLER.length ? FILLER : FILLER.subarray(0, left);
    left -= chunk.length;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/**
 * Start a fake WeChat API on 127.0.0.1, on a free port.
 */
export async function startFakeWeChatApi(
  options: FakeWeChatApiOptions = {},
): Promise<FakeWeChatApi> {
  const checkToken = options.checkToken ?? true;
  const expiresIn = options.expiresIn ?? 7200;
  const ticketExpiresIn = options.ticketExpiresIn ?? 7200;
  const requests: RecordedRequest[] = [];
  const validTokens = new Set<string>();
  let handlers = new Map<string, FakeHandler>();
  let issued = 0;
  const ticketsIssued = new Map<string, number>();
  let oauth = createFakeOAuth();
  let component = createFakeComponent(validTokens);

  const defaults = (): Map<string, FakeHandler> =>
    new Map<string, FakeHandler>([
      ...oauth.routes,
      ...component.routes,
      [
        'GET /cgi-bin/ticket/getticket',
        (req) => {
          const type = req.query.type ?? '';
          if (type !== 'jsapi' && type !== 'wx_card') {
            return { json: { errcode: 40097, errmsg: 'invalid args' } };
          }
          const n = (ticketsIssued.get(type) ?? 0) + 1;
          ticketsIssued.set(type, n);
          return {
            json: {
              errcode: 0,
              errmsg: 'ok',
              ticket: `${type}-ticket-${n}`,
              expires_in: ticketExpiresIn,
            },
          };
        },
      ],
      [
        'GET /cgi-bin/token',
        () => {
          const token = `token-${++issued}`;
          validTokens.add(token);
          return { json: { access_token: token, expires_in: expiresIn } };
        },
      ],
      [
        'POST /cgi-bin/stable_token',
        () => {
          const token = `stable-${++issued}`;
          validTokens.add(token);
          return { json: { access_token: token, expires_in: expiresIn } };
        },
      ],
    ]);
  handlers = defaults();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const recorded = await record(req);
      requests.push(recorded);
      const handler = handlers.get(`${recorded.method} ${recorded.path}`);
      if (!handler) {
        await answer(res, {
          status: 404,
          body: `no fake route for ${recorded.method} ${recorded.path}`,
        });
        return;
      }
      if (
        checkToken &&
        !isAnonymous(recorded.path) &&
        !validTokens.has(recorded.query.access_token ?? '')
      ) {
        await answer(res, {
          json: {
            errcode: 40001,
            errmsg: 'invalid credential, access_token is invalid or not latest',
          },
        });
        return;
      }
      await answer(res, await handler(recorded));
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const api: FakeWeChatApi = {
    url: `http://127.0.0.1:${port}`,
    requests,
    validTokens,
    get oauth() {
      return oauth.controls;
    },
    get component() {
      return component.controls;
    },
    get connections() {
      return connections;
    },
    on(method, path, reply) {
      handlers.set(
        `${method.toUpperCase()} ${path}`,
        typeof reply === 'function' ? reply : () => reply,
      );
      return api;
    },
    requestsTo(path) {
      return requests.filter((r) => r.path === path);
    },
    tokenRequests() {
      return requests.filter((r) => TOKEN_PATHS.has(r.path));
    },
    revokeTokens(token) {
      if (token === undefined) validTokens.clear();
      else validTokens.delete(token);
    },
    reset() {
      requests.length = 0;
      validTokens.clear();
      issued = 0;
      connections = 0;
      ticketsIssued.clear();
      oauth = createFakeOAuth();
      component = createFakeComponent(validTokens);
      handlers = defaults();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
  return api;
}
