// The `zgrobot` binary as a process (node with tsx, as `npx tsx src/cli/main.ts`): what reaches
// stdout, stderr and the exit code, and standard input. Everything else is tested through
// run() in cli.test.ts; init.test.ts runs the built binary installed in a new project.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger, ZgRoBot } from '../../src/index.js';
import { TOKEN } from '../support/wechat.js';
import { cli } from './run-cli.js';

// Each run starts node with tsx: about a second, more on a loaded machine.
vi.setConfig({ testTimeout: 60_000 });

let server: Server;
let url: string;

beforeAll(async () => {
  const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
  robot.text((ctx) => `收到：${ctx.wechat.message.content}`);
  server = createServer(robot.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('the zgrobot process', () => {
  it('prints the version and exits 0; a usage error exits 2; a failure exits 1', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    const [version, usage, failure] = await Promise.all([
      cli(['--version']),
      cli(['send', url, '--tokn', TOKEN, 'text', 'hi']),
      cli(['send', url, '--token', 'not-the-token', 'text', 'hi']),
    ]);
    expect(version).toEqual({ stdout: `${manifest.version}\n`, stderr: '', code: 0 });
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toBe(
      "zgrobot: unknown option '--tokn', did you mean --token? (see zgrobot send --help)\n",
    );
    expect(failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(failure.stderr).toMatch(/^zgrobot: the bot refused the request \(HTTP 403\)[^\n]*\n$/);
  });

  it('sends a message read from standard input and prints the reply', async () => {
    const xml =
      '<xml><ToUserName><![CDATA[gh_in]]></ToUserName><FromUserName><![CDATA[o_in]]></FromUserName>' +
      `<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[管道]]></Content><MsgId>${Date.now()}</MsgId></xml>`;
    const run = await cli(['send', url, '--token', TOKEN, 'xml', '-'], {}, xml);
    expect(run).toEqual({
      stdout: 'text reply from gh_in to o_in\n收到：管道\n',
      stderr: '',
      code: 0,
    });
  });
});
