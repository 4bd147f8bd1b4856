import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client } from '../core/client/client.js';
import type { Menu } from '../core/client/menu.js';
import { CliError, UsageError } from './errors.js';

export const MENU_HELP = `Usage: zgrobot menu <get | create <file.json> | delete> [options]

Reads, sets or deletes the account's custom menu through the WeChat API.

  get                  prints the menu as JSON
  create <file.json>   sets the menu from a file: {"button": [...]} (or what "get" printed)
  delete               deletes the menu (personalised menus too)

Options:
  --app-id <appid>       AppID (or ZGROBOT_APP_ID)
  --app-secret <secret>  AppSecret (or ZGROBOT_APP_SECRET)
  --api-base <url>       API base URL (default https://api.weixin.qq.com)
  -h, --help             this help

Example:
  ZGROBOT_APP_ID=wx… ZGROBOT_APP_SECRET=… zgrobot menu create menu.json`;

/** The menu in a file: `{ button }`, or `{ menu: { button } }` as `menu get` prints it. */
function menuFrom(text: string, file: string): Menu {
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

/** `zgrobot menu get | create <file> | delete`. */
export async function menuCommand(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      'api-base': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return MENU_HELP;
  const [action, file, ...extra] = positionals;
  if (!action) throw new UsageError('menu needs an action: get, create or delete', 'menu');
  if (!['get', 'create', 'delete'].includes(action)) {
    throw new UsageError(`unknown menu action "${action}" (get, create or delete)`, 'menu');
  }
  if (action === 'create' && !file) throw new UsageError('menu create needs a JSON file', 'menu');
  if ((action !== 'create' && file) || extra.length > 0) {
    throw new UsageError(`unexpected argument "${action === 'create' ? extra[0] : file}"`, 'menu');
  }
  const appId = values['app-id'] ?? env.ZGROBOT_APP_ID;
  const appSecret = values['app-secret'] ?? env.ZGROBOT_APP_SECRET;
  if (!appId || !appSecret) {
    throw new UsageError(
      'menu needs --app-id and --app-secret (or ZGROBOT_APP_ID and ZGROBOT_APP_SECRET)',
      'menu',
    );
  }
  const menu = file
    ? menuFrom(await readFile(file, 'utf8').catch(cannotRead(file)), file)
    : undefined;
  const baseUrl = values['api-base'];
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

function cannotRead(file: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new CliError(
      `cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`,
    );
  };
}
