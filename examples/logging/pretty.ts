// 开发时用 pino-pretty 把 JSON 行变成易读的文本（npm i -D pino-pretty）；生产环境直接输出 JSON。
// In development pino-pretty turns the JSON lines into readable text; in production log JSON.
import pino from 'pino';
import { ZgRoBot } from '../../src/index.js';

const development = process.env.NODE_ENV !== 'production';

export const robot = new ZgRoBot({
  token: process.env.ZGROBOT_TOKEN ?? 'tokenhere',
  logger: pino(development ? { level: 'debug', transport: { target: 'pino-pretty' } } : {}),
});
