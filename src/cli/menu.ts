import { readFile } from 'node:fs/promises';
import { Argument, Command } from 'commander';
import { Client } from '../core/client/client.js';
import type { Menu } from '../core/client/menu.js';
import type { CliContext } from './context.js';
import { CliError, UsageError } from './errors.js';

/** The menu in a file: `{ button }`, or `{ menu: { button } }` as `menu get` prints it. */
export function menuFrom(text: string, file: string): Menu {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const inner =
    typeof data === 'object' && data !== null && 'menu' in data
      ? (data as { menu: unknown }).menu
      : data;
  if (typeof inner !== 'object' || inner === null || !Array.isArray((inner as Menu).button)) {
    throw new CliError(`${file} has no "button" list: write {"button": [ ... ]}`);
  }
  return { button: (inner as Menu).button };
}

interface MenuOptions {
  appId?: string;
  appSecret?: string;
  apiBase?: string;
}

/** `zgrobot menu get | create <file> | delete`. */
export function menuCommand(ctx: CliContext): Command {
  return new Command('menu')
    .summary('the account’s custom menu, through the WeChat API')
    .description('Reads, sets or deletes the account’s custom menu through the WeChat API.')
    .addArgument(
      new Argument(
        '<action>',
        'get: print the menu as JSON; create: set it from a file; delete: delete it (personalised menus too)',
      ).choices(['get', 'create', 'delete']),
    )
    .argument('[file]', 'for create: {"button": [...]} (or what "get" printed)')
    .option('--app-id <appid>', 'AppID (or ZGROBOT_APP_ID)')
    .option('--app-secret <secret>', 'AppSecret (or ZGROBOT_APP_SECRET)')
    .option('--api-base <url>', 'API base URL (default https://api.weixin.qq.com)')
    .addHelpText(
      'after',
      '\nExample:\n  ZGROBOT_APP_ID=wx… ZGROBOT_APP_SECRET=… zgrobot menu create menu.json',
    )
    .action(async (action: string, file: string | undefined, options: MenuOptions) => {
      ctx.print(await menu(action, file, options, ctx.env));
    });
}

async function menu(
  action: string,
  file: string | undefined,
  options: MenuOptions,
  env: NodeJS.ProcessEnv,
): Promise<string> {
  if (action === 'create' && !file) throw new UsageError('menu create needs a JSON file', 'menu');
  if (action !== 'create' && file) throw new UsageError(`unexpected argument "${file}"`, 'menu');
  const appId = options.appId ?? env.ZGROBOT_APP_ID;
  const appSecret = options.appSecret ?? env.ZGROBOT_APP_SECRET;
  if (!appId || !appSecret) {
    throw new UsageError(
      'menu needs --app-id and --app-secret (or ZGROBOT_APP_ID and ZGROBOT_APP_SECRET)',
      'menu',
    );
  }
  const menu = file
    ? menuFrom(await readFile(file, 'utf8').catch(cannotRead(file)), file)
    : undefined;
  const baseUrl = options.apiBase;
  const client = new Client({ appId, appSecret, ...(baseUrl ? { baseUrl } : {}) });
  try {
    if (action === 'get') return JSON.stringify(await client.getMenu(), null, 2);
    if (menu) {
      await client.createMenu(menu);
      return `menu created: ${menu.button.length} button${menu.button.length === 1 ? '' : 's'}`;
    }
    await client.deleteMenu();
    return 'menu deleted';
  } finally {
    await client.close();
  }
}

export function cannotRead(file: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new CliError(
      `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
    );
  };
}
