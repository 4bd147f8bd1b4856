// Plain CommonJS: require() the package and every subpath given on the command line, then send
// the bot one signed message in memory; prints one `RESULT <json>` line for the test.
const { MemoryStorage, ZgRoBot } = require('zgrobot');
const { createTestClient } = require('zgrobot/testing');

const subpaths = process.argv.slice(2);
const exported = {};
for (const subpath of subpaths) exported[subpath] = Object.keys(require(subpath)).length;

const robot = new ZgRoBot({ token: 'consumer-token', sessionStorage: new MemoryStorage() });
robot.text((ctx) => `echo: ${ctx.wechat.message.content}`);

createTestClient(robot, { token: 'consumer-token' })
  .text('hello from CommonJS')
  .then(async (reply) => {
    await robot.close();
    console.log(`RESULT ${JSON.stringify({ node: process.version, reply, exported })}`);
  });
