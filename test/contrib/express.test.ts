import { createServer } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { app } from '../../examples/integrations/express.js';
import { robot } from '../../examples/integrations/robot.js';
import { expressHandler } from '../../src/contrib/express.js';
import { createTestClient } from '../../src/testing/index.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { adapterCases, configureExampleRobot, listening } from './cases.js';
import { listenOn } from './listen.js';

async function serve(expressApp: express.Express) {
  const { port, close } = await listenOn(createServer(expressApp));
  return listening(`http://127.0.0.1:${port}/wechat`, close);
}

adapterCases('Express 5, the example app (express.json() before)', () => serve(app));

adapterCases('Express 5 after express.text() read the body', () => {
  const textApp = express();
  textApp.use(express.text({ type: '*/*' }));
  textApp.all('/wechat', expressHandler(robot));
  return serve(textApp);
});

adapterCases('Express 5 after express.raw() read the body', () => {
  const rawApp = express();
  rawApp.all('/wechat', express.raw({ type: () => true }), expressHandler(robot));
  return serve(rawApp);
});

describe('Express adapter details', () => {
  it('leaves other routes to Express', async () => {
    configureExampleRobot();
    const bot = await serve(app);
    const health = await fetch(bot.target.toString().replace('/wechat', '/health'));
    expect(await health.text()).toBe('ok');
    await bot.close();
  });

  it('fails clearly (400 with the reason, no hang) when a parser consumed the body and kept no text', async () => {
    configureExampleRobot();
    const jsonApp = express();
    jsonApp.use(express.urlencoded({ type: '*/*' }));
    jsonApp.all('/wechat', expressHandler(robot));
    const bot = await serve(jsonApp);
    const response = await fetch(`${bot.target}?${signedQuery()}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: textXml('hi'),
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/another body parser read the request/);
    await bot.close();
  });

  it('runs in memory with the test client too (an Express app has no callback())', async () => {
    configureExampleRobot();
    const t = createTestClient(app, { token: TOKEN, path: '/wechat' });
    expect(await t.text('内存')).toMatchObject({ content: '你说：内存' });
  });
});
