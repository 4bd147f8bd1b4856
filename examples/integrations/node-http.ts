// Plain node:http. Run: npx tsx examples/integrations/node-http.ts
import { pathToFileURL } from 'node:url';
import { createServer } from '../../src/contrib/node-http.js';
import { robot } from './robot.js';

// robot.callback() is a (req, res) handler; createServer adds an optional path filter.
export const server = createServer(robot, { path: '/wechat' });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { host, port } = robot.config;
  server.listen(port, host, () => {
    const address = server.address();
    const shown = typeof address === 'object' && address ? address.port : port;
    console.log(`zgrobot (node:http) on http://${host}:${shown}/wechat`);
  });
}
