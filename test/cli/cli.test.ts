import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { type RunningExample, runExample } from '../examples/run-example.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { AES_KEY, APP_ID, TOKEN } from '../support/wechat.js';
import type { CliRun } from './run-cli.js';

/**
 * Runs the CLI in this process (`run()`, as `main` does), with only the environment given: the
 * commands are the same code the binary runs; cli-process.test.ts runs the binary itself.
 */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}, stdin = ''): Promise<CliRun> {
  const result = await run(args, env, { stdin: Readable.from([stdin]) });
  return { stdout: result.stdout, stderr: result.stderr, code: result.exitCode };
}

/** Exit 1 (or 2) with exactly one line on stderr, and no stack trace. */
function expectOneLineError(run: { stderr: string; code: number }, code: number, text: RegExp) {
  expect(run.code).toBe(code);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^zgrobot: /);
  expect(lines[0]).toMatch(text);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

let bot: RunningExample;
/** The bot's path, where the CLI sends to. */
let botUrl: string;
const crypto = ['--aes-key', AES_KEY, '--app-id', APP_ID];

beforeAll(async () => {
  bot = await runExample('integrations/node-http.ts', {
    // The CLI sends plaintext and encrypted messages to this bot: 兼容模式.
    env: {
      ZGROBOT_TOKEN: TOKEN,
      ZGROBOT_APP_ID: APP_ID,
      ZGROBOT_ENCODING_AES_KEY: AES_KEY,
      ZGROBOT_ENCRYPT_MODE: 'compatible',
    },
  });
  botUrl = `${bot.url}/wechat`;
});
afterAll(async () => {
  await bot?.stop();
});

describe('zgrobot token', () => {
  it('prints a 32-character token, or one of the length asked', async () => {
    const [plain, short] = await Promise.all([cli(['token']), cli(['token', '16'])]);
    expect(plain.code).toBe(0);
    expect(plain.stdout.trim()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(short.stdout.trim()).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('refuses a length outside 3..32 (exit 2)', async () => {
    expectOneLineError(await cli(['token', '64']), 2, /3 to 32/);
  });
});

describe('help, version, usage errors', () => {
  const COMMANDS = ['init', 'token', 'send', 'verify', 'menu', 'playground'];

  it('--help, no arguments and `help` print the main help, listing every command', async () => {
    const runs = await Promise.all([cli(['--help']), cli([]), cli(['help']), cli(['-h'])]);
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^Usage: zgrobot /);
      for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`\\n  ${command} `));
    }
    expect(new Set(runs.map((run) => run.stdout)).size).toBe(1);
  });

  it('`help <command>` and `<command> --help` print that command’s help', async () => {
    for (const command of COMMANDS) {
      const [viaHelp, viaFlag, viaShort] = await Promise.all([
        cli(['help', command]),
        cli([command, '--help']),
        cli([command, '-h']),
      ]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toMatch(new RegExp(`^Usage: zgrobot ${command} `));
      expect(viaFlag.stdout).toBe(viaHelp.stdout);
      expect(viaShort.stdout).toBe(viaHelp.stdout);
    }
    expect((await cli(['help', 'send'])).stdout).toContain('--aes-key');
    expect((await cli(['help', 'send'])).stdout).not.toContain('menu');
  });

  it('--version prints the version of package.json', async () => {
    const manifest = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    );
    for (const flag of ['--version', '-v']) {
      const run = await cli([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${manifest.version}\n`);
    }
  });

  it('an unknown command or option is a usage error (exit 2) with a suggestion', async () => {
    const [command, helpFor, option, kind, farOff] = await Promise.all([
      cli(['sned']),
      cli(['help', 'verfy']),
      cli(['send', 'http://x', '--tokn', 'x']),
      cli(['send', 'http://127.0.0.1:9/', '--token', 'x', 'clik', 'music']),
      cli(['fly']),
    ]);
    expectOneLineError(
      command,
      2,
      /unknown command 'sned', did you mean send\? \(see zgrobot --help\)/,
    );
    expectOneLineError(helpFor, 2, /unknown command 'verfy', did you mean verify\?/);
    expectOneLineError(
      option,
      2,
      /unknown option '--tokn', did you mean --token\? \(see zgrobot send --help\)$/,
    );
    expectOneLineError(kind, 2, /unknown kind "clik", did you mean click\?/);
    expectOneLineError(farOff, 2, /^zgrobot: unknown command 'fly' \(see zgrobot --help\)$/);
  });

  it('missing and extra arguments, bad choices: one line each, exit 2, naming the command', async () => {
    const [missing, extra, choice, value] = await Promise.all([
      cli(['verify']),
      cli(['token', '16', '17']),
      cli(['menu', 'list']),
      cli(['init', '--zgrobot']),
    ]);
    expectOneLineError(missing, 2, /missing required argument 'url' \(see zgrobot verify --help\)/);
    expectOneLineError(extra, 2, /too many arguments .*\(see zgrobot token --help\)/);
    expectOneLineError(choice, 2, /'list' is invalid .*get, create, delete/);
    expectOneLineError(value, 2, /'--zgrobot <spec>' argument missing/);
  });

  it('ZGROBOT_DEBUG adds the stack to a failure', async () => {
    const run = await cli(['menu', 'create', '/nonexistent/menu.json'], {
      ZGROBOT_APP_ID: 'wx',
      ZGROBOT_APP_SECRET: 's',
      ZGROBOT_DEBUG: '1',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^zgrobot: cannot read .*no such file\nCliError: /);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe('zgrobot send, to the running example bot', () => {
  it('sends a plaintext text message and prints the reply', async () => {
    const run = await cli(['send', botUrl, '--token', TOKEN, 'text', '你好', '世界']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('text reply from gh_zgrobot_cli to o_zgrobot_cli_user');
    expect(run.stdout).toContain('你说：你好 世界');
  });

  it('sends in safe mode: checks the reply signature and decrypts it', async () => {
    const run = await cli(['send', botUrl, '--token', TOKEN, ...crypto, 'text', '秘密']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(encrypted reply: MsgSignature OK, decrypted)');
    expect(run.stdout).toContain('你说：秘密');
  });

  it('sends events; --raw prints the XML', async () => {
    const [subscribe, click, raw] = await Promise.all([
      cli(['send', botUrl, '--token', TOKEN, 'event', 'subscribe']),
      cli(['send', botUrl, '--token', TOKEN, ...crypto, 'click', 'music']),
      cli(['send', botUrl, '--token', TOKEN, 'click', 'music', '--raw', '--from', 'o_me']),
    ]);
    expect(subscribe.stdout).toContain('感谢关注');
    expect(click.stdout).toContain('news reply');
    expect(click.stdout).toContain('1. 今日歌曲');
    expect(raw.stdout).toMatch(/^<xml><ToUserName><!\[CDATA\[o_me\]\]><\/ToUserName>/);
    expect(raw.stdout).toContain('<MsgType><![CDATA[news]]></MsgType>');
  });

  it('sends any kind of the table with -f fields; no reply prints as such', async () => {
    const run = await cli([
      'send',
      botUrl,
      '--token',
      TOKEN,
      'scancode_push_event',
      '-f',
      'key=scan',
      '-f',
      'scanType=qrcode',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('no reply');
    expectOneLineError(
      await cli(['send', botUrl, '--token', TOKEN, 'click_event', '-f', 'nope=1']),
      2,
      /no field "nope"/,
    );
  });

  it('takes a list field as a JSON array', async () => {
    const list = JSON.stringify([{ templateId: 'T1', subscribeStatusString: 'accept' }]);
    const run = await cli([
      'send',
      botUrl,
      '--token',
      TOKEN,
      'subscribeMsgPopup',
      '-f',
      `list=${list}`,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expectOneLineError(
      await cli(['send', botUrl, '--token', TOKEN, 'subscribeMsgPopup', '-f', 'list=T1']),
      2,
      /field list needs a JSON array, not "T1"/,
    );
  });

  it('sends a hand-written XML file, and from standard input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zgrobot-cli-'));
    const file = join(dir, 'message.xml');
    const xml = (content: string) =>
      `<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[o_x]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${Date.now()}${content.length}</MsgId></xml>`;
    await writeFile(file, xml('手写'));
    const run = await cli(['send', botUrl, '--token', TOKEN, ...crypto, 'xml', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('text reply from gh_x to o_x');
    expect(run.stdout).toContain('你说：手写');
    const piped = await cli(['send', botUrl, '--token', TOKEN, 'xml', '-'], {}, xml('管道输入'));
    expect(piped.stdout).toContain('你说：管道输入');
  });

  it('a wrong token: exit 1, one line naming the token', async () => {
    const run = await cli(['send', botUrl, '--token', 'wrong-token', 'text', 'hi']);
    expectOneLineError(run, 1, /403.*token/);
  });

  it('a bot that is down: exit 1, connection refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const run = await cli([
      'send',
      `http://127.0.0.1:${port}/wechat`,
      '--token',
      TOKEN,
      'text',
      'hi',
    ]);
    expectOneLineError(run, 1, /cannot reach .*connection refused/);
  });

  it('a reply that is not valid XML, or plain for an encrypted message, or a 404: exit 1', async () => {
    const server: Server = createServer((req, res) =>
      res.end(
        req.url?.startsWith('/plain')
          ? '<xml><MsgType><![CDATA[text]]></MsgType><Content>x</Content></xml>'
          : '<html><body>hello',
      ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const [html, plain, missing] = await Promise.all([
        cli(['send', `${base}/html`, '--token', TOKEN, 'text', 'hi']),
        cli(['send', `${base}/plain`, '--token', TOKEN, ...crypto, 'text', 'hi']),
        cli(['send', botUrl.replace('/wechat', '/nowhere'), '--token', TOKEN, 'text', 'hi']),
      ]);
      expectOneLineError(html, 1, /not valid XML/);
      expectOneLineError(plain, 1, /went encrypted but the reply came plain/);
      expectOneLineError(missing, 1, /HTTP 404/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a bot that does not answer in --timeout: exit 1', async () => {
    const server: Server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/wechat`;
    try {
      const run = await cli(['send', url, '--token', TOKEN, '--timeout', '300', 'text', 'hi']);
      expectOneLineError(run, 1, /cannot reach .*no answer in time/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('usage errors: no token, no kind, --aes-key without --app-id', async () => {
    const runs = await Promise.all([
      cli(['send', botUrl, 'text', 'hi'], { ZGROBOT_TOKEN: '' }),
      cli(['send', botUrl, '--token', TOKEN]),
      cli(['send', botUrl, '--token', TOKEN, '--aes-key', AES_KEY, 'text', 'x'], {
        ZGROBOT_APP_ID: '',
      }),
    ]);
    expectOneLineError(runs[0] ?? { stderr: '', code: 0 }, 2, /--token/);
    expectOneLineError(runs[1] ?? { stderr: '', code: 0 }, 2, /missing required argument 'kind'/);
    expectOneLineError(runs[2] ?? { stderr: '', code: 0 }, 2, /--app-id/);
  });
});

describe('zgrobot verify', () => {
  it('passes when the bot echoes echostr, fails (exit 1) on a wrong token', async () => {
    const [ok, wrong] = await Promise.all([
      cli(['verify', botUrl, '--token', TOKEN]),
      cli(['verify', botUrl, '--token', 'nope']),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: .* echoed the echostr/);
    expectOneLineError(wrong, 1, /HTTP 403/);
  });
});

describe('zgrobot menu, against the fake WeChat API', () => {
  let api: FakeWeChatApi;
  const env = { ZGROBOT_APP_ID: 'wx_cli', ZGROBOT_APP_SECRET: 'secret' };
  const menu = { button: [{ type: 'click', name: '今日歌曲', key: 'music' }] };
  beforeAll(async () => {
    api = await startFakeWeChatApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('get prints the menu as JSON', async () => {
    api.on('GET', '/cgi-bin/menu/get', { json: { menu } });
    const run = await cli(['menu', 'get', '--api-base', api.url], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ menu });
    expect(api.tokenRequests()[0]?.query).toMatchObject({ appid: 'wx_cli', secret: 'secret' });
  });

  it('create sends the file; delete deletes; flags win over the environment', async () => {
    api.on('POST', '/cgi-bin/menu/create', { json: { errcode: 0, errmsg: 'ok' } });
    api.on('GET', '/cgi-bin/menu/delete', { json: { errcode: 0, errmsg: 'ok' } });
    const dir = await mkdtemp(join(tmpdir(), 'zgrobot-cli-'));
    const file = join(dir, 'menu.json');
    await writeFile(file, JSON.stringify({ menu }));
    const created = await cli(
      ['menu', 'create', file, '--api-base', api.url, '--app-id', 'wx_flag', '--app-secret', 's2'],
      env,
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('menu created: 1 button');
    expect(api.requestsTo('/cgi-bin/menu/create').at(-1)?.json).toEqual(menu);
    expect(api.tokenRequests().at(-1)?.query).toMatchObject({ appid: 'wx_flag' });
    const deleted = await cli(['menu', 'delete', '--api-base', api.url], env);
    expect(deleted.stdout.trim()).toBe('menu deleted');
  });

  it('errors: WeChat errcode (exit 1), bad file (exit 1), no credentials (exit 2)', async () => {
    api.on('POST', '/cgi-bin/menu/create', {
      json: { errcode: 40016, errmsg: 'invalid button size' },
    });
    const dir = await mkdtemp(join(tmpdir(), 'zgrobot-cli-'));
    const good = join(dir, 'menu.json');
    const bad = join(dir, 'bad.json');
    await writeFile(good, JSON.stringify(menu));
    await writeFile(bad, '{"button": [');
    const [apiError, badFile, missing, noCreds] = await Promise.all([
      cli(['menu', 'create', good, '--api-base', api.url], env),
      cli(['menu', 'create', bad, '--api-base', api.url], env),
      cli(['menu', 'create', join(dir, 'none.json'), '--api-base', api.url], env),
      cli(['menu', 'get', '--api-base', api.url], { ZGROBOT_APP_ID: '', ZGROBOT_APP_SECRET: '' }),
    ]);
    expectOneLineError(apiError, 1, /WeChat API error 40016: invalid button size/);
    expectOneLineError(badFile, 1, /not valid JSON/);
    expectOneLineError(missing, 1, /no such file/);
    expectOneLineError(noCreds, 2, /--app-id/);
  });
});
