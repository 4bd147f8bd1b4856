// 用 pino 记日志：pino() 和它的 child logger 原样传入，不需要类型断言。
// Logging with pino: pino() and its child loggers go in as they are, no cast.
import pino from 'pino';
import { ZgRoBot } from '../../src/index.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

export const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  logger: logger.child({ service: 'wechat-bot' }),
});

robot.text((ctx) => {
  const { source, content } = ctx.wechat.message;
  // 自己的日志也用同样的形状：字段在前，消息在后 / your own lines take the same shape
  ctx.wechat.logger.info({ openid: source, length: content.length }, 'echo');
  return content;
});
