/**
 * 创建自定义菜单: read `menu.json` beside this file and publish it with
 * `client.createMenu`. Run it once; the bot then answers clicks with `keyClick('music', …)`.
 *
 *   WECHAT_APP_ID=wx… WECHAT_APP_SECRET=… npx tsx examples/create-menu.ts [menu.json]
 *
 * `WECHAT_API_BASE` points the client at another API host (a proxy, or the tests' fake server).
 */
import { readFile } from 'node:fs/promises';
import { Client, type Menu, WeChatApiError } from '../src/core/client/index.js';

const appId = process.env.WECHAT_APP_ID;
const appSecret = process.env.WECHAT_APP_SECRET;
if (!appId || !appSecret) {
  console.error('Set WECHAT_APP_ID and WECHAT_APP_SECRET (你的 AppID 和 AppSecret).');
  process.exit(2);
}

const menuFile = process.argv[2] ?? new URL('./menu.json', import.meta.url);
const menu = JSON.parse(await readFile(menuFile, 'utf8')) as Menu;

const client = new Client({ appId, appSecret, baseUrl: process.env.WECHAT_API_BASE });
try {
  await client.createMenu(menu);
  console.log(`菜单已创建 / menu created: ${menu.button.map((b) => b.name).join(', ')}`);
} catch (error) {
  if (error instanceof WeChatApiError) {
    console.error(`创建菜单失败 / createMenu failed: ${error.errcode} ${error.errmsg}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
} finally {
  await client.close();
}
