// Fastify 5. Run: npx tsx examples/integrations/fastify.ts
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { zgrobotFastify } from '../../src/contrib/fastify.js';
import { robot } from './robot.js';

export const app = Fastify();
app.get('/health', async () => 'ok');
// Encapsulated: the plugin's body parser applies to the /wechat route only.
app.register(zgrobotFastify, { robot, prefix: '/wechat' });

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await app.listen({ port: robot.config.port, host: robot.config.host });
}
