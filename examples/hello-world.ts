/**
 * Hello World: answers every message with "Hello World!".
 *
 *   npm start                      # or: npx tsx examples/hello-world.ts
 *
 * Then set the server URL in the WeChat admin console to this address, with the same token.
 */
import { ZgRoBot } from '../src/index.js';

const robot = new ZgRoBot({ token: process.env.ZGROBOT_TOKEN ?? 'tokenhere' });

robot.handler(() => 'Hello World!');

// Listens where the config says: 127.0.0.1:8888 unless ZGROBOT_HOST / ZGROBOT_PORT say otherwise
// (ZGROBOT_HOST=0.0.0.0 ZGROBOT_PORT=80, as WeRoBot's default). Stops gracefully on SIGTERM/Ctrl-C.
await robot.run();
