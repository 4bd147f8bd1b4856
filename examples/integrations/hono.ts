// Hono on Node. Run: npx tsx examples/integrations/hono.ts
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { fetchHandler } from '../../src/contrib/fetch.js';
import { robot } from './robot.js';

const handle = fetchHandler(robot);

export const app = new Hono();
app.get('/health', (c) => c.text('ok'));
app.all('/wechat', (c) => handle(c.req.raw));

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  serve({ fetch: app.fetch, port: robot.config.port, hostname: robot.config.host });
}
