import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Router } from '../../middleware/routes.js';
import { Config } from '../../src/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { sha1Sorted, TOKEN, textXml } from '../support/wechat.js';
import { botApp, recordingLogger } from './helpers.js';

const now = () => Math.floor(Date.now() / 1000);

/** A correctly signed query for a given timestamp. */
function queryAt(timestamp: string | number): string {
  const ts = String(timestamp);
  const nonce = String(Math.floor(Math.random() * 1e9));
  return new URLSearchParams({
    signature: sha1Sorted(TOKEN, ts, nonce),
    timestamp: ts,
    nonce,
    openid: 'user_openid',
  }).toString();
}

function bot(timestampWindow?: number | false) {
  const logger = recordingLogger();
  let handled = 0;
  const routes = new Router().text(() => {
    handled++;
    return 'ok';
  });
  // A 1000-byte body limit: a stale request with a larger body shows whether the body was read.
  const app = botApp({ routes, timestampWindow, bodyLimit: 1000, logger });
  return { app, logger, handled: () => handled };
}

describe('timestamp window', () => {
  it.each([
    ['6 minutes old', now() - 360],
    ['6 minutes ahead', now() + 360],
    ['not a number', 'yesterday'],
    ['a fraction', `${now()}.5`],
    ['negative', `-${now()}`],
  ])('a signed POST with a timestamp %s → 403 by default, handler not run', async (_n, ts) => {
    const { app, handled, logger } = bot();
    const res = await request(app.callback())
      .post(`/?${queryAt(ts)}`)
      .send(textXml('x'));
    expect(res.status).toBe(403);
    expect(res.type).toBe('text/html');
    expect(handled()).toBe(0);
    expect(logger.text('warn')).toMatch(/timestamp/);
  });

  it('a stale request is refused before the body is read (403, not 413)', async () => {
    const { app } = bot();
    const res = await request(app.callback())
      .post(`/?${queryAt(now() - 3600)}`)
      .send('x'.repeat(5000));
    expect(res.status).toBe(403);
  });

  it('within ±5 minutes passes', async () => {
    const { app, handled } = bot();
    for (const ts of [now() - 290, now() + 290, now()]) {
      const res = await request(app.callback())
        .post(`/?${queryAt(ts)}`)
        .send(textXml('x'));
      expect(res.status).toBe(200);
    }
    expect(handled()).toBe(3);
  });

  it('the GET URL check is held to the window too', async () => {
    const { app } = bot();
    const stale = await request(app.callback()).get(`/?${queryAt(now() - 3600)}&echostr=E`);
    expect(stale.status).toBe(403);
    const fresh = await request(app.callback()).get(`/?${queryAt(now())}&echostr=E`);
    expect(fresh.text).toBe('E');
  });

  it('a smaller window is honoured', async () => {
    const { app } = bot(10);
    const res = await request(app.callback())
      .post(`/?${queryAt(now() - 60)}`)
      .send(textXml('x'));
    expect(res.status).toBe(403);
  });

  it.each([0, false] as const)('timestampWindow %s turns the check off', async (window) => {
    const { app, handled } = bot(window);
    const res = await request(app.callback())
      .post(`/?${queryAt(1409304348)}`)
      .send(textXml('x'));
    expect(res.status).toBe(200);
    expect(handled()).toBe(1);
  });

  it('is a config setting: our key, the seed-style key and the environment', () => {
    expect(new Config().timestampWindow).toBe(300);
    expect(new Config({ timestampWindow: 60 }).timestampWindow).toBe(60);
    expect(new Config({ TIMESTAMP_WINDOW: false }).timestampWindow).toBe(false);
    expect(Config.fromEnv({ ZGROBOT_TIMESTAMP_WINDOW: '0' }).timestampWindow).toBe(0);
    expect(Config.fromEnv({ ZGROBOT_TIMESTAMP_WINDOW: 'false' }).timestampWindow).toBe(false);
    expect(Config.fromEnv({ ZGROBOT_TIMESTAMP_WINDOW: '120' }).timestampWindow).toBe(120);
    expect(() => new Config({ timestampWindow: -1 })).toThrow(/timestampWindow/);
  });

  it('ZgRoBot passes it to the pipeline', async () => {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
    robot.text(() => 'ok');
    const old = () =>
      request(robot.callback())
        .post(`/?${queryAt(1409304348)}`)
        .send(textXml('x'));
    expect((await old()).status).toBe(403);
    robot.config.timestampWindow = false;
    expect((await old()).status).toBe(200);
  });
});
