/**
 * 多次回复: answer once through the customer-service (客服) API, then once more with
 * the passive reply. Needs the account's AppID and AppSecret:
 *
 *   ZGROBOT_APP_ID=wx… ZGROBOT_APP_SECRET=… npx tsx examples/multiple-replies.ts
 *
 * `WECHAT_API_BASE` points the client at another API host (a proxy, or the tests' fake server).
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

if (!robot.config.appId || !robot.config.appSecret) {
  console.error('Set ZGROBOT_APP_ID and ZGROBOT_APP_SECRET (你的 AppID 和 AppSecret).');
  process.exit(2);
}
// As in WeRoBot, `robot.client`: the API client for this account's AppID and AppSecret.
const client = robot.client;

robot.filter('多次回复', async (ctx) => {
  const { kf_list } = await client.getCustomServiceAccountList();
  await client.sendTextMessage(
    ctx.wechat.message.source,
    '这是客服发的消息',
    kf_list[0]?.kf_account,
  );
  return '这是第二次回复哦';
});

await robot.run();
