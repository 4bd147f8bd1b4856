// The playground's server: the page, the JSON API the page calls, the event stream, and the
// WeChat API it plays for the bot. Listens on 127.0.0.1 only: it holds the bot's token.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Menu } from '../core/client/menu.js';
import { reasonOf } from '../core/errors.js';
import { isMessageType } from '../core/messages/kinds.js';
import { type Assets, loadAssets } from './assets.js';
import { EventHub } from './events.js';
import { type BotSettings, type Exchange, exchange, messageXml } from './exchange.js';
import { SAMPLE_PICTURES } from './samples.js';
import { FakeWeChatApi } from './wechat-api.js';

/** Options of {@link startPlayground}. */
export interface PlaygroundOptions {
  /** The bot's URL. */
  url: string;
  token: string;
  encodingAESKey?: string;
  appId?: string;
  /** With a key: `'safe'` (default) or `'compatible'`. */
  mode?: 'safe' | 'compatible';
  /** The account's id; default `gh_zgrobot_playground`. */
  account?: string;
  /** The menu the page shows (until the bot sets one through the API). */
  menu?: Menu;
  /** The port to listen on, 127.0.0.1; 0 (the default) for a free one. */
  port?: number;
  /** WeChat's reply budget in ms (default 5000): a later reply is flagged. */
  budget?: number;
  /** How long to wait for the bot, in ms (default 15 000). */
  timeout?: number;
}

/** A running playground. */
export interface Playground {
  /** `http://127.0.0.1:<port>/`: the page, and the API base for the bot. */
  readonly url: string;
  /** Every exchange so far. */
  readonly exchanges: readonly Exchange[];
  /** The API it plays for the bot. */
  readonly api: FakeWeChatApi;
  close(): Promise<void>;
}

const LIMIT = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Starts the playground on 127.0.0.1. */
export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const bot: BotSettings = {
    url: options.url,
    token: options.token,
    account: options.account ?? 'gh_zgrobot_playground',
    budget: options.budget ?? 5000,
    timeout: options.timeout ?? 15_000,
    ...(options.encodingAESKey
      ? { encodingAESKey: options.encodingAESKey, appId: options.appId, mode: options.mode }
      : {}),
  };
  const assets: Assets = await loadAssets();
  const hub = new EventHub();
  const api = new FakeWeChatApi(hub, options.menu);
  const exchanges: Exchange[] = [];

  const config = () => ({
    bot: bot.url,
    account: bot.account,
    encrypted: Boolean(bot.encodingAESKey),
    mode: bot.encodingAESKey ? (bot.mode ?? 'safe') : 'plain',
    appId: bot.appId ?? null,
    budget: bot.budget,
    menu: api.menu ?? null,
    samples: Object.keys(SAMPLE_PICTURES).map((name) => `/samples/${name}`),
  });

  const record = (done: Exchange) => {
    exchanges.push(done);
    return done;
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (FakeWeChatApi.handles(path)) {
      const body = parseJson(await readBody(req));
      json(res, 200, api.answer(method, path, Object.fromEntries(url.searchParams), body));
      return;
    }
    if (method === 'GET' && path === '/api/config') return json(res, 200, config());
    if (method === 'GET' && path === '/api/events') return hub.listen(res);
    if (method === 'GET' && path === '/api/calls') return json(res, 200, api.calls);
    if (method === 'GET' && path === '/api/exchanges') return json(res, 200, exchanges);
    if (method === 'POST' && path === '/api/send') {
      const input = parseJson(await readBody(req)) as
        | { user?: unknown; kind?: unknown; fields?: unknown }
        | undefined;
      const user = input?.user;
      const kind = input?.kind;
      if (typeof user !== 'string' || user === '' || typeof kind !== 'string') {
        return json(res, 400, { error: 'send needs {user, kind, fields}' });
      }
      if (!isMessageType(kind)) return json(res, 400, { error: `unknown kind "${kind}"` });
      const fields =
        typeof input?.fields === 'object' && input.fields !== null
          ? (input.fields as Record<string, unknown>)
          : {};
      const built = messageXml(bot, { user, kind, fields });
      return json(res, 200, record(await exchange(bot, { user, kind, ...built })));
    }
    if (method === 'POST' && path === '/api/replay') {
      const id = (parseJson(await readBody(req)) as { id?: unknown } | undefined)?.id;
      const first = exchanges.find((e) => e.id === id);
      if (!first) return json(res, 404, { error: `no exchange "${String(id)}"` });
      const again = await exchange(bot, {
        user: first.user,
        kind: first.kind,
        xml: first.request.xml,
        ...(first.request.messageId ? { messageId: first.request.messageId } : {}),
        replayOf: first.replayOf ?? first.id,
      });
      return json(res, 200, record(again));
    }
    if (method === 'GET' && path.startsWith('/samples/')) {
      const picture = SAMPLE_PICTURES[path.slice('/samples/'.length)];
      if (picture) {
        res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=3600' });
        res.end(picture);
        return;
      }
    }
    if (method === 'GET') {
      const name = path === '/' ? 'index.html' : path.slice(1);
      const asset = assets.get(name);
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
        res.end(asset.body);
        return;
      }
    }
    json(res, 404, { error: `no route for ${method} ${path}` });
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: reasonOf(error) });
      else res.end();
    });
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    exchanges,
    api,
    async close() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
