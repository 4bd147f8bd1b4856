// Graceful shutdown: SIGTERM to a real bot process mid-request, and robot.close() in process.
// The in-flight request gets its reply, new connections are refused, late replies pending at the
// signal are delivered before the process exits, and the wait is bounded by shutdownTimeout.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { readReply, recordingLogger } from '../middleware/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';

const FIXTURE = new URL('./fixtures/shutdown-bot.ts', import.meta.url).pathname;
// Resolved here: the bot runs in a temp directory (for its files), where tsx cannot be found.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const SEND = '/cgi-bin/message/custom/send';

interface BotProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves with the exit code, and when it came (ms since the epoch). */
  exited: Promise<{ code: number | null; at: number }>;
}

let cwd = '';
const running: ChildProcess[] = [];

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'zgrobot-shutdown-'));
});
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Starts the fixture with `env` on a port the OS picks; resolves once it listens. */
async function startBot(env: Record<string, string> = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', TSX, FIXTURE], {
    cwd,
    env: {
      ...process.env,
      ZGROBOT_TOKEN: TOKEN,
      ZGROBOT_HOST: '127.0.0.1',
      ZGROBOT_PORT: '0',
      ZGROBOT_SESSION_STORAGE: 'false',
      // Under vitest the default level is error; the start line is info.
      ZGROBOT_LOG_LEVEL: 'info',
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${output}`)), 20_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(Number(found[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then(({ code }) => reject(new Error(`the bot exited with ${code}:\n${output}`)));
  });
  return { child, port, output: () => output, exited };
}

/** POSTs a signed text message; resolves with the status, the body and the `connection` header. */
function say(port: number, content: string, openid = 'user_openid') {
  return new Promise<{ status: number; text: string; connection: string | undefined }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/?${signedQuery(TOKEN, { openid })}`,
          headers: { 'content-type': 'text/xml' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }),
          );
        },
      );
      req.on('error', reject);
      req.end(textXml(content, { FromUserName: openid }));
    },
  );
}

/** Whether a new TCP connection to `port` is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

async function eventuallyRefused(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await refused(port)) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe('SIGTERM to a bot process', () => {
  let api: FakeWeChatApi;
  beforeAll(async () => {
    api = await startFakeWeChatApi();
    api.on('POST', SEND, { json: { errcode: 0, errmsg: 'ok' } });
  });
  afterAll(() => api.close());

  it('mid-request: the request gets its reply, new connections are refused, exit 0', async () => {
    const bot = await startBot();
    const inFlight = say(bot.port, 'sleep:1500');
    let answered = false;
    void inFlight.then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    bot.child.kill('SIGTERM');

    expect(await eventuallyRefused(bot.port, 1000)).toBe(true);
    expect(answered).toBe(false); // refused while the request was still running
    const reply = await inFlight;
    expect(reply.status).toBe(200);
    expect(readReply(reply.text).Content).toBe('sleep 1500 done');
    expect(reply.connection).toBe('close');
    expect((await bot.exited).code).toBe(0);
    expect(bot.output()).toMatch(/SIGTERM: shutting down/);
  });

  it('SIGINT does the same', async () => {
    const bot = await startBot();
    const inFlight = say(bot.port, 'sleep:800');
    await new Promise((resolve) => setTimeout(resolve, 200));
    bot.child.kill('SIGINT');
    expect(readReply((await inFlight).text).Content).toBe('sleep 800 done');
    expect((await bot.exited).code).toBe(0);
  });

  it('a deferred reply pending at SIGTERM goes out as a customer-service message before exit', async () => {
    const bot = await startBot({
      ZGROBOT_APP_ID: 'wx_shutdown',
      ZGROBOT_APP_SECRET: 'secret',
      WECHAT_API_BASE: api.url,
    });
    const openid = 'deferred_user';
    const answer = await say(bot.port, 'defer:1500', openid);
    expect(answer.text).toBe('success');
    bot.child.kill('SIGTERM');
    expect(await eventuallyRefused(bot.port, 1000)).toBe(true);

    expect((await bot.exited).code).toBe(0);
    // Whatever the process sent, it sent before it exited.
    const sent = api
      .requestsTo(SEND)
      .filter((r) => (r.json as { touser?: string }).touser === openid);
    expect(sent.map((r) => r.json)).toEqual([
      { touser: openid, msgtype: 'text', text: { content: 'defer 1500 done' } },
    ]);
  });

  it('a reply late for its request (past replyTimeout) waits out the retry window, then goes out', async () => {
    const bot = await startBot({
      ZGROBOT_APP_ID: 'wx_shutdown',
      ZGROBOT_APP_SECRET: 'secret',
      ZGROBOT_REPLY_TIMEOUT: '300',
      WECHAT_API_BASE: api.url,
    });
    const openid = 'late_user';
    const answer = await say(bot.port, 'sleep:1000', openid);
    expect(answer.text).toBe('success');
    bot.child.kill('SIGTERM');
    const { code } = await bot.exited;
    expect(code).toBe(0);
    const sent = api
      .requestsTo(SEND)
      .filter((r) => (r.json as { touser?: string }).touser === openid);
    expect(sent.map((r) => r.json)).toEqual([
      { touser: openid, msgtype: 'text', text: { content: 'sleep 1000 done' } },
    ]);
  });

  it('past ZGROBOT_SHUTDOWN_TIMEOUT it logs the late reply it gives up on and exits 1', async () => {
    const bot = await startBot({
      ZGROBOT_APP_ID: 'wx_shutdown',
      ZGROBOT_APP_SECRET: 'secret',
      ZGROBOT_SHUTDOWN_TIMEOUT: '500',
      WECHAT_API_BASE: api.url,
    });
    const openid = 'abandoned_user';
    expect((await say(bot.port, 'defer:10000', openid)).text).toBe('success');
    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const { code, at } = await bot.exited;
    expect(code).toBe(1);
    expect(at - signalled).toBeLessThan(5000);
    expect(bot.output()).toContain(
      `gave up on the late reply to a text message from ${openid} (still running after 500 ms)`,
    );
    const sent = api
      .requestsTo(SEND)
      .filter((r) => (r.json as { touser?: string }).touser === openid);
    expect(sent).toEqual([]);
  });

  it('a second signal while shutting down exits at once', async () => {
    const bot = await startBot({
      ZGROBOT_APP_ID: 'wx',
      ZGROBOT_APP_SECRET: 's',
      WECHAT_API_BASE: api.url,
    });
    expect((await say(bot.port, 'defer:10000')).text).toBe('success');
    bot.child.kill('SIGTERM');
    await eventuallyRefused(bot.port, 1000);
    const second = Date.now();
    bot.child.kill('SIGTERM');
    const { code, at } = await bot.exited;
    expect(code).toBe(1);
    expect(at - second).toBeLessThan(2000);
    expect(bot.output()).toMatch(/SIGTERM again while shutting down: exiting now/);
  });
});

describe('robot.close() and run({ shutdownSignals })', () => {
  const quiet = (options: ConstructorParameters<typeof ZgRoBot>[0] = {}) =>
    new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger, ...options });
  const portOf = (server: Server) => {
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('not listening');
    return address.port;
  };

  it('run({ shutdownSignals: false }) installs no signal handler; run() does, close() removes it', async () => {
    const before = [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const optedOut = quiet();
    await optedOut.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual(before);
    await optedOut.close();

    const robot = quiet();
    await robot.run({ host: '127.0.0.1', port: 0 });
    await robot.run({ host: '127.0.0.1', port: 0 }); // a second server: still one handler
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    await robot.close();
    expect([process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')]).toEqual(before);
  });

  it('close() lets a keep-alive request answer, then closes its connection at once', async () => {
    const robot = quiet();
    robot.text(async () => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return 'slow answer';
    });
    const server = await robot.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
    const port = portOf(server);
    const inFlight = say(port, 'x');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const closing = robot.close();
    expect(await eventuallyRefused(port, 500)).toBe(true);
    const reply = await inFlight;
    expect(readReply(reply.text).Content).toBe('slow answer');
    expect(reply.connection).toBe('close');
    await closing;
    // Not the keep-alive timeout (5 s): the connection went as soon as its answer did.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.listening).toBe(false);
  });

  it('close() cuts a request still running at shutdownTimeout and logs it', async () => {
    const logger = recordingLogger();
    const robot = quiet({ logger, shutdownTimeout: 300, replyTimeout: 0 });
    robot.text(() => new Promise<string>((resolve) => setTimeout(() => resolve('too late'), 3000)));
    const server = await robot.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
    const inFlight = say(portOf(server), 'x').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await robot.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await inFlight).toBeInstanceOf(Error); // the connection was dropped
    expect(logger.text('warn')).toContain('cut off 1 request(s) unanswered after 300 ms');
  });

  it('close() waits for a turn whose client hung up, and delivers its reply', async () => {
    const api = await startFakeWeChatApi();
    api.on('POST', SEND, { json: { errcode: 0, errmsg: 'ok' } });
    const saved = process.env.WECHAT_API_BASE;
    process.env.WECHAT_API_BASE = api.url;
    try {
      // No reply deadline: the request waits for the handler, and the client gives up first.
      const robot = quiet({ appId: 'wx_hangup', appSecret: 's', replyTimeout: 0, dedupe: false });
      robot.text(async () => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        return 'after the hang-up';
      });
      const server = await robot.run({ host: '127.0.0.1', port: 0, shutdownSignals: false });
      const controller = new AbortController();
      const request = fetch(`http://127.0.0.1:${portOf(server)}/?${signedQuery(TOKEN)}`, {
        method: 'POST',
        body: textXml('x', { FromUserName: 'hung_up_user' }),
        signal: controller.signal,
      }).catch(() => 'aborted');
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort();
      expect(await request).toBe('aborted');
      await robot.close();
      expect(api.requestsTo(SEND).map((r) => r.json)).toEqual([
        { touser: 'hung_up_user', msgtype: 'text', text: { content: 'after the hang-up' } },
      ]);
    } finally {
      if (saved === undefined) delete process.env.WECHAT_API_BASE;
      else process.env.WECHAT_API_BASE = saved;
      await api.close();
    }
  });

  it('close() without run() closes what the robot opened, and may be called twice', async () => {
    const robot = quiet();
    robot.callback();
    await robot.close();
    await robot.close();
  });
});
