// A CommonJS TypeScript file (`.cts`) gets the same types: with `module: nodenext` TypeScript
// compiles this to `require('zgrobot')`, which Node runs as require(esm).
import zgrobot = require('zgrobot');

const robot = new zgrobot.ZgRoBot({
  token: 'consumer-token',
  sessionStorage: new zgrobot.MemoryStorage(),
});
robot.text((ctx) => ctx.wechat.message.content.toUpperCase());

export = robot;
