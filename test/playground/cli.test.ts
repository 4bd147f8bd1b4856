// `zgrobot playground`: run as main runs it (run() with a live stdout), stopped by a signal.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, run } from '../../src/cli/main.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { AES_KEY, APP_ID, ROOT } from './support.js';

const menu = JSON.parse(readFileSync(`${ROOT}examples/menu.json`, 'utf8'));

/** Starts `zgrobot playground …`; resolves with its address once it printed it. */
async function playground(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stop = new AbortController();
  let out = '';
  let listening: (url: string) => void = () => {};
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const done: Promise<CliResult> = run(['playground', ...args, '--port', '0'], env, {
    signal: stop.signal,
    stdout: (text) => {
      out += text;
      const found = /zgrobot playground: (\S+)/.exec(out);
      if (found?.[1]) listening(found[1]);
    },
  });
  const first = await Promise.race([url, done]);
  if (typeof first !== 'string') throw new Error(`it ended: ${JSON.stringify(first)}`);
  return {
    url: first,
    output: () => out,
    async stop() {
      stop.abort();
      return done;
    },
  };
}

const config = async (url: string) =>
  (await (await fetch(new URL('/api/config', url))).json()) as Record<string, unknown>;

describe('zgrobot playground', () => {
  let api: FakeWeChatApi;

  beforeAll(async () => {
    api = await startFakeWeChatApi();
    api.on('GET', '/cgi-bin/menu/get', { json: { menu } });
  });
  afterAll(() => api.close());

  it('serves the page until stopped, with the menu of a file', async () => {
    const running = await playground(
      ['http://127.0.0.1:8888/', '--token', 'tokenhere', '--menu', 'examples/menu.json'],
      {},
    );
    expect(running.output()).toContain('bot:  http://127.0.0.1:8888/ (plaintext)');
    expect(running.output()).toContain('menu: examples/menu.json');
    expect(running.output()).toContain(`WECHAT_API_BASE=${running.url.replace(/\/$/, '')}`);
    expect(await config(running.url)).toMatchObject({ mode: 'plain', menu, encrypted: false });
    expect(await running.stop()).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    await expect(fetch(running.url)).rejects.toThrow();
  });

  it('reads the menu from the API with AppID and AppSecret, and talks in safe mode', async () => {
    const running = await playground(
      ['http://127.0.0.1:8888/', '--encoding-aes-key', AES_KEY, '--api-base', api.url],
      { ZGROBOT_TOKEN: 't', ZGROBOT_APP_ID: APP_ID, ZGROBOT_APP_SECRET: 'secret' },
    );
    try {
      expect(running.output()).toContain('menu: the WeChat API');
      expect(running.output()).toContain(`(safe mode, AppID ${APP_ID})`);
      expect(await config(running.url)).toMatchObject({ mode: 'safe', appId: APP_ID, menu });
      expect(api.tokenRequests()[0]?.query).toMatchObject({ appid: APP_ID, secret: 'secret' });
    } finally {
      await running.stop();
    }
  });

  it('refuses wrong usage: exit 2, one line', async () => {
    const cases: [string[], RegExp][] = [
      [['http://127.0.0.1:8888/'], /playground needs --token/],
      [['127.0.0.1:8888', '--token', 't'], /is not an http\(s\) URL/],
      [['http://h/', '--token', 't', '--encoding-aes-key', AES_KEY], /needs --app-id too/],
      [
        ['http://h/', '--token', 't', '--encoding-aes-key', 'short', '--app-id', 'wx'],
        /--encoding-aes-key: /,
      ],
      [['http://h/', '--token', 't', '--port', 'x'], /--port must be a port number/],
    ];
    for (const [args, message] of cases) {
      const result = await run(['playground', ...args], {});
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const missing = await run(
      ['playground', 'http://h/', '--token', 't', '--menu', 'nope.json'],
      {},
    );
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe('zgrobot: cannot read nope.json: no such file\n');
  });
});
