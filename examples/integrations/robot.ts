// The bot every integration example serves. Settings come from the environment: ZGROBOT_TOKEN
// (here `tokenhere` when unset), ZGROBOT_APP_ID and ZGROBOT_ENCODING_AES_KEY (safe mode),
// ZGROBOT_HOST and ZGROBOT_PORT (where the examples listen; default 127.0.0.1:8888).
import { Article, ArticlesReply, ZgRoBot } from '../../src/index.js';

export const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  sessionStorage: false,
});

robot.subscribe(() => '感谢关注！发送任意文字试试看。');
robot.keyClick(
  'music',
  (ctx) =>
    new ArticlesReply({
      message: ctx.wechat.message,
      articles: [new Article({ title: '今日歌曲', url: 'https://example.com/music' })],
    }),
);
robot.text((ctx) => `你说：${ctx.wechat.message.content}`);
