/**
 * 关键词回复: `filter` answers texts that equal a string or match a
 * RegExp; the RegExp's match is in `ctx.wechat.match`. Handlers run in the order they were
 * added, so the plain `text` handler at the end only sees what no filter took.
 *
 *   npx tsx examples/keyword-filters.ts
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.filter('帮助', () => '帮助\nXXXXX');

robot.filter('你好呀', () => '你也好呀');

robot.filter('a', () => '正文为 a ');

robot.filter(/.*?bb.*?/, () => '正文中含有 bb ');

robot.filter(/.*?c.*?/, 'd', () => '正文中含有 c 或正文为 d');

// WeRoBot's add_filter(func, rules): several rules, any of them matches.
robot.addFilter(() => 'hello!', ['hello', 'hi', /.*?hello.*?/]);

robot.filter(/(.*?)e(.*)/, 'f', (ctx) => {
  const match = ctx.wechat.match;
  return match ? `正文为 ${match[1]}e${match[2]}` : '正文为 f';
});

robot.text(() => 'Hello World!');

await robot.run();
