import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Middleware } from 'koa';
import { appOf } from '../middleware/helpers.js';
import { signedQuery, TOKEN } from '../support/wechat.js';

/** A listening bot on 127.0.0.1 and a WeChat-like POST to it. */
export interface RunningBot {
  url: string;
  /** POSTs `xml` with a freshly signed query (as each WeChat try is signed anew). */
  post(xml: string, query?: Record<string, string>): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startBot(...middleware: Middleware[]): Promise<RunningBot> {
  const server: Server = createServer(appOf(...middleware).callback());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async post(xml, query) {
      const qs = query ? new URLSearchParams(query).toString() : signedQuery(TOKEN);
      const res = await fetch(`${url}/wechat?${qs}`, {
        method: 'POST',
        body: xml,
        signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
