import { createServer } from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { app } from '../../examples/integrations/koa.js';
import { robot } from '../../examples/integrations/robot.js';
import { mountKoa } from '../../src/contrib/koa.js';
import { signedQuery, textXml } from '../support/wechat.js';
import { adapterCases, configureExampleRobot, listening } from './cases.js';
import { listenOn } from './listen.js';

async function serve(koa: Koa) {
  const { port, close } = await listenOn(createServer(koa.callback()));
  return listening(`http://127.0.0.1:${port}/wechat`, close);
}

adapterCases('Koa with @koa/router, the example app', () => serve(app));

adapterCases(
  'Koa, router.all(path, robot.middleware()) after a body parser that keeps rawBody',
  () => {
    const koa = new Koa();
    koa.use(async (ctx, next) => {
      // What koa-bodyparser does for text: read the stream, keep the text as ctx.request.rawBody.
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      (ctx.request as { rawBody?: string }).rawBody = Buffer.concat(chunks).toString('utf8');
      await next();
    });
    const router = new Router();
    router.all('/wechat', robot.middleware());
    koa.use(router.routes());
    return serve(koa);
  },
);

describe('Koa adapter details', () => {
  it('serves the robot only at its path; the rest of the app is untouched', async () => {
    configureExampleRobot();
    const bot = await serve(app);
    const base = String(bot.target).replace('/wechat', '');
    expect(await (await fetch(`${base}/health`)).text()).toBe('ok');
    expect(
      (await fetch(`${base}/other?${signedQuery()}`, { method: 'POST', body: textXml('x') }))
        .status,
    ).toBe(404);
    await bot.close();
  });

  it('mountKoa returns the router it was given', () => {
    const router = new Router();
    expect(mountKoa(router, '/w', robot)).toBe(router);
  });
});
