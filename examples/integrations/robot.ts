// The bot every integration example serves. Settings come from the environment:
// ZGROBOT_TOKEN (required), ZGROBOT_APP_ID and ZGROBOT_ENCODING_AES_KEY (safe mode).
import { Article, ArticlesReply, ZgRoBot } from '../../src/index.js';

export const robot = new ZgRoBot({ sessionStorage: false });

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
