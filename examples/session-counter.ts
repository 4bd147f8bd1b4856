/**
 * Session: counts each user's messages in `ctx.wechat.session`, a plain object
 * kept per account and user. Sessions are on by default, in `zgrobot_session.sqlite3` in the
 * working directory; pass `sessionStorage` to keep them elsewhere, or `false` to turn them off.
 *
 *   npx tsx examples/session-counter.ts
 */
import { ZgRoBot } from '../src/index.js';

// `initial` gives the session its shape: handlers read `ctx.wechat.session.count` as a number.
const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  session: { initial: () => ({ count: 0, first: false }) },
});

robot.subscribe(() => 'Hello!');

robot.filter('first', (ctx) => {
  if (ctx.wechat.session.first) return '你之前给我发过消息';
  ctx.wechat.session.first = true;
  return '你之前没给我发过消息';
});

robot.text((ctx) => {
  const count = ++ctx.wechat.session.count;
  return `Hello! You have sent ${count} messages to me`;
});

await robot.run();
