/**
 * Hello World (seed 1.1): answers every message with "Hello World!".
 *
 *   npm start                      # or: npx tsx examples/hello-world.ts
 *
 * Then set the server URL in the WeChat admin console to this address, with the same token.
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.handler(() => 'Hello World!');

// The seed listens on 0.0.0.0:80; set ZGROBOT_HOST=0.0.0.0 and PORT=80 to do the same.
await robot.run({ port: Number(process.env.PORT ?? 8888) });
