/**
 * Echo: a text message gets its own text back; an image gets its URL.
 *
 *   npx tsx examples/echo.ts
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

// Only text messages reach this handler: ctx.wechat.message is a TextMessage.
robot.text((ctx) => ctx.wechat.message.content);

// Only image messages reach this one: ctx.wechat.message is an ImageMessage.
robot.image((ctx) => ctx.wechat.message.img);

await robot.run();
