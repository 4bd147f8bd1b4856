/**
 * Many Official Accounts, one robot: each account sets its server URL (开发 → 基本配置 → 服务器地址)
 * to `http://your-host/wechat/<its AppID>`; the robot answers each with its own token and key, keeps
 * each user's session per account and calls the API with that account's own client.
 *
 *   npx tsx examples/multi-account.ts
 *
 * Here the accounts are written out; in production they come from your database (`resolve`, see
 * docs/multi-account.md).
 */
import { type AccountConfig, ZgRoBot } from '../src/index.js';

const accounts: AccountConfig[] = [
  {
    appId: 'wxshop000000000001',
    token: process.env.SHOP_TOKEN ?? 'shop-token',
    appSecret: process.env.SHOP_SECRET,
    data: { name: '小店' },
  },
  {
    appId: 'wxnews000000000002',
    token: process.env.NEWS_TOKEN ?? 'news-token',
    // During a key rotation, `newKey,oldKey`: messages under either key are answered.
    encodingAESKey: process.env.NEWS_AES_KEYS?.split(','),
    encryptMode: process.env.NEWS_AES_KEYS ? 'compatible' : 'plain',
    data: { name: '新闻' },
  },
];

const robot = new ZgRoBot({
  accounts: { list: accounts },
  session: { initial: () => ({ count: 0 }) },
});

/** The account's display name, from your own `data`. */
const nameOf = (config: AccountConfig) => (config.data as { name: string }).name;

robot.subscribe((ctx) => `欢迎关注${nameOf(ctx.wechat.account.config)}！`);

robot.text((ctx) => {
  const count = ++ctx.wechat.session.count;
  return `${nameOf(ctx.wechat.account.config)}：这是你发给我的第 ${count} 条消息`;
});

await robot.run();
