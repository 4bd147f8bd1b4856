// Must not compile: a text handler's message has no `mediaId`.
import { ZgRoBot } from 'zgrobot';

const robot = new ZgRoBot({ token: 'consumer-token', sessionStorage: false });

robot.text((ctx) => ctx.wechat.message.mediaId);
