// Runs the bot from ESM on a real port and sends it one signed message over HTTP, as WeChat
// would; prints one `RESULT <json>` line for the test.
import { createTestClient } from 'zgrobot/testing';
import { robot, TOKEN } from './bot.js';

const server = await robot.run({ host: '127.0.0.1', port: 0 });
try {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const client = createTestClient(`http://127.0.0.1:${address.port}/`, { token: TOKEN });
  const reply = await client.text('hello from ESM');
  console.log(`RESULT ${JSON.stringify({ node: process.version, reply })}`);
} finally {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await robot.close();
}
