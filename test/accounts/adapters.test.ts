import { createServer } from 'node:http';
import Router from '@koa/router';
import express from 'express';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { expressHandler } from '../../src/contrib/express.js';
import { mountKoa } from '../../src/contrib/koa.js';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { listenOn } from '../contrib/listen.js';
import { replyText } from '../middleware/helpers.js';
import { textXml } from '../support/wechat.js';
import { post, signed } from './helpers.js';

const robot = new ZgRoBot({
  accounts: {
    list: [
      { appId: 'wxone', token: 'token-one' },
      { appId: 'wxtwo', token: 'token-two' },
    ],
  },
  sessionStorage: false,
  logger: silentLogger,
});
robot.text((ctx) => `${ctx.wechat.account.appId} got ${ctx.wechat.message.content}`);
afterAll(() => robot.close());

/** Both accounts through `base/<appId>`. */
async function bothAccounts(base: string) {
  const one = await post(`${base}/wxone?${signed('token-one')}`, textXml('a'));
  const two = await post(`${base}/wxtwo?${signed('token-two')}`, textXml('b'));
  const crossed = await post(`${base}/wxtwo?${signed('token-one')}`, textXml('c'));
  return [replyText(one.text), replyText(two.text), crossed.status];
}
const EXPECTED = ['wxone got a', 'wxtwo got b', 403];

describe('accounts by path under each adapter', () => {
  it('Koa with @koa/router at /wechat/:appId', async () => {
    const koa = new Koa();
    const router = mountKoa(new Router(), '/wechat/:appId', robot);
    koa.use(router.routes());
    const { port, close } = await listenOn(createServer(koa.callback()));
    try {
      expect(await bothAccounts(`http://127.0.0.1:${port}/wechat`)).toEqual(EXPECTED);
    } finally {
      await close();
    }
  });

  it('Express at /wechat/:appId', async () => {
    const app = express();
    app.all('/wechat/:appId', expressHandler(robot));
    const { port, close } = await listenOn(createServer(app));
    try {
      expect(await bothAccounts(`http://127.0.0.1:${port}/wechat`)).toEqual(EXPECTED);
    } finally {
      await close();
    }
  });

  it('the fetch adapter (robot.fetch)', async () => {
    const { port, close } = await listenOn(
      createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const response = await robot.fetch(
          new Request(`http://127.0.0.1${req.url}`, {
            method: req.method,
            ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
          }),
        );
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(await response.text());
      }),
    );
    try {
      expect(await bothAccounts(`http://127.0.0.1:${port}/wechat`)).toEqual(EXPECTED);
    } finally {
      await close();
    }
  });
});
