/**
 * 音乐回复: a list of 3 or 4 strings becomes a `MusicReply`; without the 4th (the
 * high-quality URL) the URL is used for both.
 *
 *   npx tsx examples/music.ts
 */
import { MusicReply, ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.filter('hq', () => ['title', 'description', 'music_url', 'hq_music_url']);

robot.filter(
  '对象',
  (ctx) =>
    new MusicReply({
      message: ctx.wechat.message,
      title: '微信你不懂爱',
      description: '龚琳娜最新力作',
      url: 'http://weixin.com/budongai.mp3',
    }),
);

robot.text(() => ['微信你不懂爱', '龚琳娜最新力作', 'http://weixin.com/budongai.mp3']);

await robot.run();
