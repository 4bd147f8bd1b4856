// The playground's two commands, as docs/playground.md and the README show them, run: the demo
// bot with `npm run demo`, the playground through the CLI's run() (the code `npx zgrobot` runs), on
// free ports instead of 8888 and 8899.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import type { Exchange } from '../../src/playground/exchange.js';
import { blocksOf } from '../docs/blocks.js';
import { freePort, post, ROOT } from './support.js';

const COMMANDS = [
  'npm run demo',
  'npx zgrobot playground http://127.0.0.1:8888/ --token tokenhere --menu examples/menu.json',
];

const blocks = ['docs/playground.md', 'README.md'].flatMap((doc) =>
  blocksOf(doc, readFileSync(`${ROOT}${doc}`, 'utf8')).filter(
    (b) => b.kind === 'run' && b.arg === 'playground',
  ),
);

describe('the playground’s two commands', () => {
  let bot: ReturnType<typeof spawn>;
  let url = '';
  const stop = new AbortController();
  let cli: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    const [botPort, pgPort] = [await freePort(), await freePort()];
    // npm, then tsx: in a process group of their own, to stop them all.
    bot = spawn('npm', COMMANDS[0]!.split(' ').slice(1), {
      cwd: ROOT,
      detached: true,
      stdio: 'ignore',
      env: {
        ...process.env,
        ZGROBOT_PORT: String(botPort),
        WECHAT_API_BASE: `http://127.0.0.1:${pgPort}`,
      },
    });
    const args = COMMANDS[1]!.replace('8888', String(botPort)).split(' ').slice(2);
    let out = '';
    cli = run(
      [...args, '--port', String(pgPort)],
      {},
      {
        signal: stop.signal,
        stdout: (text) => {
          out += text;
        },
      },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await fetch(`http://127.0.0.1:${botPort}/`);
        await fetch(`http://127.0.0.1:${pgPort}/`);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`not up: ${out}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    url = `http://127.0.0.1:${pgPort}/`;
  }, 40_000);

  afterAll(async () => {
    stop.abort();
    await cli;
    if (bot?.pid && bot.exitCode === null) {
      process.kill(-bot.pid, 'SIGTERM');
      await once(bot, 'exit');
    }
  });

  it('are the ones the docs and the README show', () => {
    expect(blocks.map((b) => b.doc)).toEqual(['docs/playground.md', 'README.md']);
    for (const block of blocks) expect(block.code.split('\n')).toEqual(COMMANDS);
  });

  it('give a chat with the demo bot: text, and the menu of examples/menu.json', async () => {
    const config = (await (await fetch(new URL('/api/config', url))).json()) as {
      menu: { button: { name: string }[] };
    };
    expect(config.menu.button.map((b) => b.name)).toEqual(['今日歌曲', '歌手简介', '菜单']);
    const text = await post<Exchange>(url, '/api/send', {
      user: 'o_reader',
      kind: 'text',
      fields: { content: '你好' },
    });
    expect(text.reply.parsed).toMatchObject({ type: 'text', content: '你说：你好（第 1 条）' });
    const click = await post<Exchange>(url, '/api/send', {
      user: 'o_reader',
      kind: 'click_event',
      fields: { key: 'music' },
    });
    expect(click.reply.parsed).toMatchObject({ type: 'music', title: '今日歌曲' });
  });
});
