// Plain node:http. Run: ZGROBOT_TOKEN=tokenhere npx tsx examples/integrations/node-http.ts
import { pathToFileURL } from 'node:url';
import { createServer } from '../../src/contrib/node-http.js';
import { robot } from './robot.js';

// robot.callback() is a (req, res) handler; createServer adds an optional path filter.
export const server = createServer(robot, { path: '/wechat' });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 8080);
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    const shown = typeof address === 'object' && address ? address.port : port;
    console.log(`zgrobot (node:http) on http://127.0.0.1:${shown}/wechat`);
  });
}
