/**
 * 导入其他文件: the bot is made and configured here; what it does lives in
 * `handlers/`. Two ways to split: a function that registers handlers on the robot
 * (`handlers/menu.ts`), or a `Router` of its own that the robot `use`s (`handlers/greetings.ts`).
 *
 *   npx tsx examples/split-bot/bot.ts
 *
 * With `ZGROBOT_APP_ID` and `ZGROBOT_APP_SECRET` set, it also creates the menu on start.
 */
import { WeChatApiError } from '../../src/core/client/index.js';
import { ZgRoBot } from '../../src/index.js';
import { greetings } from './handlers/greetings.js';
import { MENU, registerMenu } from './handlers/menu.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

registerMenu(robot);
robot.use(greetings);
robot.text(() => '发送“你好呀”试试，或点击菜单里的“帮助”');

if (robot.config.appId && robot.config.appSecret) {
  try {
    await robot.client.createMenu(MENU);
    robot.logger.info('菜单已创建 / menu created');
  } catch (error) {
    // pino's shape: the fields (the error under `err`), then the message.
    const errcode = error instanceof WeChatApiError ? error.errcode : undefined;
    robot.logger.warn({ err: error, errcode }, '创建菜单失败 / createMenu failed');
  }
}

await robot.run();
