import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { Client } from '../core/client/client.js';
import type { Menu } from '../core/client/menu.js';
import { reasonOf } from '../core/errors.js';
import { startPlayground } from '../playground/server.js';
import { cryptFor } from '../wechat-request.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';
import { cannotRead, menuFrom } from './menu.js';

const AFTER = `
The page plays WeChat: type, send pictures, locations, links, follow, scan, tap the menu; every
request and reply shows in the inspector. It also plays the WeChat API for the bot: start the bot
with WECHAT_API_BASE set to the playground's address (and an AppID/AppSecret, any) and its late
replies, sent as customer-service messages, show in the chat.
页面模拟微信聊天；同时模拟微信 API（机器人的 WECHAT_API_BASE 指向它），迟到的客服消息也显示在聊天里。

Examples:
  zgrobot playground http://127.0.0.1:8888/ --token tokenhere
  zgrobot playground http://127.0.0.1:8888/ --token T --app-id wx1 --encoding-aes-key K --menu menu.json`;

interface PlaygroundFlags {
  token?: string;
  appId?: string;
  encodingAesKey?: string;
  compatible?: boolean;
  appSecret?: string;
  apiBase?: string;
  menu?: string;
  port?: string;
  account?: string;
}

/** `zgrobot playground <url>`: a WeChat chat with the bot in the browser. */
export function playgroundCommand(ctx: CliContext): Command {
  return new Command('playground')
    .summary('chat with a running bot in the browser, as in WeChat')
    .description(
      'Serves on 127.0.0.1 a page that looks and behaves like a WeChat chat with the account, ' +
        'against the running bot (plain or encrypted), with an inspector of every request and reply.',
    )
    .argument('<url>', 'the bot’s address, http(s)://…')
    .option('--token <token>', 'the bot’s token (or ZGROBOT_TOKEN)')
    .option('--app-id <appid>', 'AppID, needed with --encoding-aes-key (or ZGROBOT_APP_ID)')
    .option(
      '--encoding-aes-key <key>',
      'EncodingAESKey: talk in safe mode (or ZGROBOT_ENCODING_AES_KEY)',
    )
    .option('--compatible', 'with a key: compatible mode (plaintext beside <Encrypt>)')
    .option('--menu <file>', 'the menu to show: {"button": [...]}, as examples/menu.json')
    .option(
      '--app-secret <secret>',
      'AppSecret: read the menu from the WeChat API (or ZGROBOT_APP_SECRET)',
    )
    .option(
      '--api-base <url>',
      'with --app-secret: the API base URL (default https://api.weixin.qq.com)',
    )
    .option('--account <id>', 'the account’s id, ToUserName (default gh_zgrobot_playground)')
    .option('--port <port>', 'the port to serve the page on, 127.0.0.1 (default 8899; 0: any)')
    .addHelpText('after', AFTER)
    .action(async (url: string, flags: PlaygroundFlags) => {
      await playground(url, flags, ctx);
    });
}

function portOf(value: string | undefined): number {
  if (value === undefined) return 8899;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, not "${value}"`, 'playground');
  }
  return port;
}

async function readMenu(
  flags: PlaygroundFlags,
  appId: string | undefined,
  appSecret: string | undefined,
  ctx: CliContext,
): Promise<{ menu: Menu | undefined; from: string }> {
  if (flags.menu) {
    const file = flags.menu;
    return {
      menu: menuFrom(await readFile(file, 'utf8').catch(cannotRead(file)), file),
      from: file,
    };
  }
  if (!appId || !appSecret) return { menu: undefined, from: 'none (give --menu menu.json)' };
  const client = new Client({
    appId,
    appSecret,
    ...(flags.apiBase ? { baseUrl: flags.apiBase } : {}),
  });
  try {
    const { menu } = await client.getMenu();
    return { menu: { button: menu.button }, from: 'the WeChat API' };
  } catch (error) {
    ctx.print(`zgrobot playground: could not read the menu from the API: ${reasonOf(error)}`);
    return { menu: undefined, from: 'none' };
  } finally {
    await client.close();
  }
}

/** Until `signal` aborts, or SIGINT/SIGTERM when there is none. */
async function stopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal) {
    if (!signal.aborted) await once(signal, 'abort');
    return;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function playground(url: string, flags: PlaygroundFlags, ctx: CliContext): Promise<void> {
  const { env } = ctx;
  if (!/^https?:\/\//.test(url)) {
    throw new UsageError(`"${url}" is not an http(s) URL`, 'playground');
  }
  const token = flags.token ?? env.ZGROBOT_TOKEN;
  if (!token) throw new UsageError('playground needs --token (or ZGROBOT_TOKEN)', 'playground');
  const encodingAESKey = flags.encodingAesKey ?? env.ZGROBOT_ENCODING_AES_KEY;
  const appId = flags.appId ?? env.ZGROBOT_APP_ID;
  const appSecret = flags.appSecret ?? env.ZGROBOT_APP_SECRET;
  if (encodingAESKey) {
    if (!appId) throw new UsageError('--encoding-aes-key needs --app-id too', 'playground');
    try {
      cryptFor({ token, encodingAESKey, appId });
    } catch (error) {
      throw new UsageError(`--encoding-aes-key: ${reasonOf(error)}`, 'playground');
    }
  }
  const port = portOf(flags.port);
  const { menu, from } = await readMenu(flags, appId, appSecret, ctx);

  const running = await startPlayground({
    url,
    token,
    port,
    ...(encodingAESKey ? { encodingAESKey, appId } : {}),
    ...(flags.compatible ? { mode: 'compatible' as const } : {}),
    ...(flags.account ? { account: flags.account } : {}),
    ...(menu ? { menu } : {}),
  });
  const api = running.url.replace(/\/$/, '');
  const mode = encodingAESKey
    ? `${flags.compatible ? 'compatible' : 'safe'} mode, AppID ${appId}`
    : 'plaintext';
  ctx.print(
    [
      `zgrobot playground: ${running.url}`,
      `  bot:  ${url} (${mode})`,
      `  menu: ${from}`,
      `  late replies: start the bot with WECHAT_API_BASE=${api} (and ZGROBOT_APP_ID, ZGROBOT_APP_SECRET)`,
      '  Ctrl-C stops it.',
    ].join('\n'),
  );
  await stopped(ctx.signal);
  await running.close();
}
