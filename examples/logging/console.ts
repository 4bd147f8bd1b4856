// 不装 pino：控制台日志（默认就是它），这里把级别调到 debug，每条消息记一行 turn done。
// Without pino: the console logger (the default), here at debug, a `turn done` line per message.
import { enablePrettyLogging, ZgRoBot } from '../../src/index.js';

export const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  logger: enablePrettyLogging(console, 'debug'),
});
