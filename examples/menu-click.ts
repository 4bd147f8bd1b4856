/**
 * 自定义菜单: `keyClick(key, …)` answers a click on one menu button;
 * `click` sees every click no keyClick took. Create the menu once with
 * `examples/create-menu.ts`.
 *
 *   npx tsx examples/menu-click.ts
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.keyClick('music', () => '你点击了“今日歌曲”按钮');

robot.keyClick('abort', () => "I'm a robot");

// The same thing without keyClick:
robot.click((ctx) => {
  if (ctx.wechat.message.key === 'help') return '现在还没有什么帮助哦~';
});

await robot.run();
