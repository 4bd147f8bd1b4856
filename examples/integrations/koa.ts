// Koa with @koa/router. Run: npx tsx examples/integrations/koa.ts
import { pathToFileURL } from 'node:url';
import Router from '@koa/router';
import Koa from 'koa';
import { mountKoa } from '../../src/contrib/koa.js';
import { robot } from './robot.js';

const router = new Router();
router.get('/health', (ctx) => {
  ctx.body = 'ok';
});
mountKoa(router, '/wechat', robot); // same as router.all('/wechat', robot.middleware())

export const app = new Koa();
app.use(router.routes()).use(router.allowedMethods());

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  app.listen(robot.config.port, robot.config.host);
}
