/**
 * 图文回复: an `ArticlesReply` built with `addArticle`, or a list of
 * `[title, description, img, url]` lists that ZgRoBot turns into one.
 *
 *   npx tsx examples/articles.ts
 */
import { Article, ArticlesReply, ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.filter('单图文', (ctx) => {
  const reply = new ArticlesReply({ message: ctx.wechat.message });
  reply.addArticle(
    new Article({
      title: 'ZgRoBot',
      description: 'ZgRoBot 是一个微信机器人框架',
      img: 'https://github.com/apple-touch-icon-144.png',
      url: 'https://github.com/whtsky/ZgRoBot',
    }),
  );
  return reply;
});

robot.text(() => [
  ['title', 'description', 'img', 'url'],
  [
    'whtsky',
    'I wrote ZgRoBot',
    'https://secure.gravatar.com/avatar/0024710771815ef9b74881ab21ba4173?s=420',
    'http://whouz.com/',
  ],
]);

await robot.run();
