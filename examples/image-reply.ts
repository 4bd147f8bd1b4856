/**
 * 快速回复图片: answers an image with the same image, by its media id.
 *
 *   npx tsx examples/image-reply.ts
 */
import { ImageReply, ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.image(
  (ctx) => new ImageReply({ message: ctx.wechat.message, mediaId: ctx.wechat.message.mediaId }),
);

await robot.run();
