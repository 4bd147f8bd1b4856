import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { app } from '../../examples/integrations/fastify.js';
import { robot } from '../../examples/integrations/robot.js';
import { zgrobotFastify } from '../../src/contrib/fastify.js';
import { signedQuery, textXml } from '../support/wechat.js';
import { adapterCases, configureExampleRobot, listening } from './cases.js';

type FastifyApp = ReturnType<typeof Fastify>;

async function serve(fastify: FastifyApp) {
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = fastify.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return listening(`http://127.0.0.1:${port}/wechat`, () => fastify.close());
}

adapterCases('Fastify 5, the example app (plugin with prefix)', () => serve(app));

describe('Fastify plugin details', () => {
  it('keeps the JSON parser of routes outside the plugin, and takes any content type inside', async () => {
    configureExampleRobot();
    const fastify = Fastify();
    fastify.post('/json', async (request) => ({ got: request.body }));
    await fastify.register(zgrobotFastify, { robot, path: '/wechat' });
    const bot = await serve(fastify);
    const base = String(bot.target).replace('/wechat', '');
    const json = await fetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(await json.json()).toEqual({ got: { a: 1 } });
    for (const type of ['application/json', 'application/xml', 'text/plain']) {
      const response = await bot.fetch(signedQuery(), {
        method: 'POST',
        headers: { 'content-type': type },
        body: textXml('类型'),
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('你说：类型');
    }
    await bot.close();
  });
});
