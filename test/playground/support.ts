// What the playground's tests share: the demo bot in a process of its own, a bot that answers
// whatever a test wants, and a reader of the playground's event stream.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/redis-server.js';

export { freePort };

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const APP_ID = 'wx_playground_test';

/** A bot running in its own process. */
export interface RunningBot {
  url: string;
  child: ChildProcess;
  /** What it wrote on stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/** Runs examples/playground-bot.ts with these settings, on a free port; resolves once it answers. */
export async function startDemoBot(
  env: Record<string, string>,
  port?: number,
): Promise<RunningBot> {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/playground-bot.ts'], {
    cwd: ROOT,
    env: { ...process.env, ZGROBOT_TOKEN: 'tokenhere', ...env, ZGROBOT_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the demo bot exited: ${output}`);
    try {
      await fetch(url);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the demo bot did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** A "bot" on 127.0.0.1 whose every answer a test writes. */
export async function startRawBot(
  answer: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => void answer(req, body, res));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One Server-Sent Event. */
export interface StreamEvent {
  type: string;
  data: unknown;
}

/** Reads the playground's event stream; `next(test)` waits for an event that passes `test`. */
export async function readEvents(base: string) {
  const controller = new AbortController();
  const response = await fetch(new URL('/api/events', base), { signal: controller.signal });
  const events: StreamEvent[] = [];
  const waiting = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (type && data) events.push({ type, data: JSON.parse(data) });
          for (const wake of waiting) wake();
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    async next(test: (event: StreamEvent) => boolean, timeout = 15_000): Promise<StreamEvent> {
      const deadline = Date.now() + timeout;
      for (;;) {
        const found = events.find(test);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(`no such event; got ${JSON.stringify(events).slice(0, 2000)}`);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            resolve();
          };
          waiting.add(wake);
          setTimeout(wake, 200);
        });
      }
    },
    close: () => controller.abort(),
  };
}

/** POSTs JSON to the playground's API. */
export async function post<T>(base: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}
