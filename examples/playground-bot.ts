/**
 * A bot to try the playground with: every kind of message gets an answer of its own, so one
 * conversation shows every kind of reply. Run it, then the playground, in two terminals:
 *
 *   npm run demo
 *   npx zgrobot playground http://127.0.0.1:8888/ --token tokenhere --menu examples/menu.json
 *
 * Try: 你好 · 图文 · 音乐 · 链接 · 客服 · 慢 (a 6-second handler: its reply comes late, as a
 * customer-service message through the playground's API), a picture, a location, the menu.
 *
 * Late replies go out with `robot.client`, which needs an AppID and AppSecret (any, against the
 * playground) and the API's address: WECHAT_API_BASE, here the playground's by default.
 */
import {
  Article,
  ArticlesReply,
  ImageReply,
  MemoryStorage,
  MusicReply,
  TransferCustomerServiceReply,
  VideoReply,
  VoiceReply,
  ZgRoBot,
} from '../src/index.js';

process.env.WECHAT_API_BASE ??= 'http://127.0.0.1:8899';

const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  appId: process.env.ZGROBOT_APP_ID ?? 'wx_playground_demo',
  appSecret: process.env.ZGROBOT_APP_SECRET ?? 'playground_demo_secret',
  sessionStorage: new MemoryStorage(),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

robot.filter('图文', 'news', ({ wechat: { message } }) => {
  const reply = new ArticlesReply({ message });
  reply.addArticle(
    new Article({
      title: 'zgrobot playground',
      description: '在浏览器里和机器人聊天',
      img: '/samples/sunset.svg',
      url: 'https://example.com/playground',
    }),
  );
  reply.addArticle(
    new Article({
      title: '第二篇 · The second article',
      img: '/samples/cat.svg',
      url: 'https://example.com/2',
    }),
  );
  return reply;
});

robot.filter(
  '音乐',
  'music',
  ({ wechat: { message } }) =>
    new MusicReply({
      message,
      title: '微信你不懂爱',
      description: '龚琳娜',
      url: 'https://example.com/budongai.mp3',
    }),
);

robot.filter(
  '链接',
  'link',
  () => '看看 <a href="https://example.com/docs">文档</a>，或者 https://example.com/',
);

robot.filter('客服', ({ wechat: { message } }) => new TransferCustomerServiceReply({ message }));

robot.filter('慢', 'slow', async () => {
  await sleep(6000);
  return '让你久等了：这条回复超过了 5 秒，作为客服消息发出 · a late reply';
});

robot.text(({ wechat }) => {
  const session = wechat.session as { count?: number };
  session.count = (session.count ?? 0) + 1;
  return `你说：${wechat.message.content}（第 ${session.count} 条）`;
});

robot.image(({ wechat: { message } }) => new ImageReply({ message, mediaId: message.mediaId }));
robot.voice(({ wechat: { message } }) =>
  message.recognition
    ? `你说的是：${message.recognition}`
    : new VoiceReply({ message, mediaId: message.mediaId }),
);
robot.video(
  ({ wechat: { message } }) =>
    new VideoReply({ message, mediaId: message.mediaId, title: '收到视频' }),
);
robot.shortvideo(() => '收到小视频');
robot.location(({ wechat: { message: m } }) => `你在 ${m.label}（${m.locationX}, ${m.locationY}）`);
robot.link(({ wechat: { message: m } }) => [[m.title, m.description, '', m.url]]);

robot.subscribe(({ wechat: { message } }) =>
  message.key
    ? `欢迎关注！你扫的是场景 ${message.key.replace(/^qrscene_/, '')}`
    : '欢迎关注！发“图文”“音乐”“慢”试试',
);
robot.unsubscribe(() => undefined);
robot.scan(({ wechat: { message } }) => `你扫了场景 ${message.key}`);
robot.keyClick(
  'music',
  ({ wechat: { message } }) =>
    new MusicReply({ message, title: '今日歌曲', url: 'https://example.com/today.mp3' }),
);
robot.keyClick('V1001_TODAY_SINGER', () => [
  ['歌手简介', '今天的歌手', '/samples/cat.svg', 'https://example.com/singer'],
]);
robot.keyClick('V1001_GOOD', () => '谢谢点赞 👍');
robot.scancodeWaitmsg(({ wechat: { message } }) => `扫码结果：${message.scanResult}`);
robot.picSysphoto(({ wechat: { message } }) => `收到 ${message.count} 张照片`);
robot.picPhotoOrAlbum(({ wechat: { message } }) => `收到 ${message.count} 张图片`);
robot.locationSelect(({ wechat: { message: m } }) => `你选择了 ${m.poiName ?? m.label}`);

await robot.run();
