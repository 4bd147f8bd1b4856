/**
 * 关注回复: greets every new follower.
 *
 *   npx tsx examples/subscribe-reply.ts
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.subscribe(() => '感谢这位小可爱的关注~');

await robot.run();
