// The library logging to a real pino (and pino-pretty), written to a stream the test reads: an
// error's stack survives, and the lines carry the fields a log search needs.
import { Writable } from 'node:stream';
import pino from 'pino';
import pretty from 'pino-pretty';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStorage } from '../../src/core/session/storage.js';
import { type Logger, ZgRoBot } from '../../src/index.js';
import { waitFor } from '../middleware/helpers.js';
import { eventXml, signedQuery, TOKEN, textXml } from '../support/wechat.js';

/** A stream that keeps what is written to it. */
function capture(): Writable & { text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

type Line = Record<string, unknown> & {
  level: number;
  msg?: string;
  err?: { type: string; message: string; stack: string };
};

/** pino's JSON lines. */
function linesOf(out: { text(): string }): Line[] {
  return out
    .text()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

let robot: ZgRoBot | undefined;
afterEach(async () => {
  await robot?.close();
  robot = undefined;
});

function bot(logger: Logger, sessionStorage: SessionStorage | false = false): ZgRoBot {
  robot = new ZgRoBot({ token: TOKEN, sessionStorage, logger });
  robot.filter('boom', () => {
    throw new Error('the handler broke on purpose');
  });
  robot.text((ctx) => `echo ${ctx.wechat.message.content}`);
  return robot;
}

/** The MsgId the test message carries. */
const msgIdOf = (xml: string) => /<MsgId>(?:<!\[CDATA\[)?(\d+)/.exec(xml)?.[1];

const post = (target: ZgRoBot, xml: string) =>
  request(target.callback())
    .post(`/?${signedQuery(TOKEN)}`)
    .send(xml);

describe('logging with pino', () => {
  it("a handler's error: one JSON line with msg, the error's stack under err, the message's fields", async () => {
    const out = capture();
    const target = bot(pino(out));
    const xml = textXml('boom');
    const msgId = msgIdOf(xml);
    expect(msgId).toMatch(/^\d+$/);
    expect((await post(target, xml)).text).toBe('success');

    const errors = linesOf(out).filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    const [line] = errors;
    expect(line?.msg).toBe('zgrobot: a handler threw');
    expect(line?.err?.type).toBe('Error');
    expect(line?.err?.message).toBe('the handler broke on purpose');
    expect(line?.err?.stack).toContain('Error: the handler broke on purpose');
    expect(line?.err?.stack).toMatch(/\n\s+at /);
    expect(line).toMatchObject({
      account: 'gh_account',
      openid: 'user_openid',
      msgType: 'text',
      msgId,
    });
    expect(line?.duration).toBeTypeOf('number');
  });

  it("each turn's last line (debug) carries openid, msgType, msgId and duration", async () => {
    const out = capture();
    const target = bot(pino({ level: 'debug' }, out));
    const xml = textXml('hello');
    const msgId = msgIdOf(xml);
    expect(msgId).toMatch(/^\d+$/);
    expect((await post(target, xml)).status).toBe(200);
    await post(target, eventXml('subscribe'));

    const done = linesOf(out).filter((line) => line.msg === 'zgrobot: turn done');
    expect(done).toHaveLength(2);
    expect(done[0]).toMatchObject({
      level: 20,
      account: 'gh_account',
      openid: 'user_openid',
      msgType: 'text',
      msgId,
    });
    expect(done[0]?.duration).toBeGreaterThanOrEqual(0);
    expect(done[0]?.duration).toBeLessThan(5000);
    // An event has no MsgId: no msgId field, the rest as for a message.
    expect(done[1]).toMatchObject({ openid: 'user_openid', msgType: 'subscribe_event' });
    expect(done[1]).not.toHaveProperty('msgId');
  });

  it("a pino child logger's bindings are on every line; the store's failure keeps its stack", async () => {
    const out = capture();
    const down: SessionStorage = {
      get: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      set: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
      delete: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    };
    const target = bot(pino(out).child({ service: 'wechat-bot' }), down);
    expect((await post(target, textXml('hi'))).status).toBe(200);

    const [warning] = linesOf(out).filter((line) => line.level === 40);
    expect(warning?.msg).toBe(
      'zgrobot: session storage unavailable, going on with an empty session',
    );
    // Written by the core (it knows no message): the session stage handed it the message's fields.
    expect(warning).toMatchObject({
      service: 'wechat-bot',
      openid: 'user_openid',
      msgType: 'text',
      sessionKey: 'gh_account:user_openid',
    });
    expect(warning?.err?.stack).toContain('ECONNREFUSED 127.0.0.1:6379');
  });

  it('pino-pretty shows the message, the fields and the stack', async () => {
    const out = capture();
    const target = bot(pino(pretty({ destination: out, colorize: false, sync: true })));
    await post(target, textXml('boom'));
    await waitFor(() => out.text().includes('the handler broke on purpose'), 5000, 'pretty output');
    const text = out.text();
    expect(text).toMatch(/ERROR.*zgrobot: a handler threw/);
    expect(text).toMatch(/openid: "user_openid"/);
    expect(text).toMatch(/Error: the handler broke on purpose\n\s+at /);
  });
});
