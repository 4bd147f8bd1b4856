import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { SignatureError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { ZgRoBot } from '../../src/robot.js';
import { buildMessageRequest } from '../../src/wechat-request.js';
import { readReply, replyText } from '../middleware/helpers.js';
import { AES_KEY, APP_ID, signedQuery, TOKEN, textXml } from '../support/wechat.js';

const say = (robot: Pick<ZgRoBot, 'callback'>, content: string, user = 'user_openid') =>
  request(robot.callback())
    .post(`/?${signedQuery(TOKEN)}`)
    .send(textXml(content, { FromUserName: user }));

describe('robot.use(): your middleware between parse and session', () => {
  it('a rate limiter answers for the handlers, before the session is touched', async () => {
    const storage = new MemoryStorage();
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: storage, logger: silentLogger });
    const seen: string[] = [];
    const sent = new Map<string, number>();
    robot.use(async (ctx, next) => {
      seen.push(ctx.wechat.message.type); // parsed already
      const count = (sent.get(ctx.wechat.message.source) ?? 0) + 1;
      sent.set(ctx.wechat.message.source, count);
      if (count > 2) {
        ctx.wechat.reply = '您发得太快了，请稍后再试';
        return;
      }
      await next();
    });
    robot.text((ctx) => {
      ctx.wechat.session.count = (Number(ctx.wechat.session.count) || 0) + 1;
      return `第 ${String(ctx.wechat.session.count)} 条`;
    });
    expect(replyText((await say(robot, 'a')).text)).toBe('第 1 条');
    expect(replyText((await say(robot, 'b')).text)).toBe('第 2 条');
    expect(replyText((await say(robot, 'c')).text)).toBe('您发得太快了，请稍后再试');
    expect(replyText((await say(robot, 'd', 'another_user')).text)).toBe('第 1 条');
    expect(await storage.get('gh_account:user_openid')).toEqual({ count: 2 }); // not touched by c
    expect(seen).toEqual(['text', 'text', 'text', 'text']);
  });

  it('runs middleware in the order added, around the reply', async () => {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
    const order: string[] = [];
    robot
      .use(async (_ctx, next) => {
        order.push('1 in');
        await next();
        order.push('1 out');
      })
      .use(async (ctx, next) => {
        order.push('2 in');
        await next();
        order.push(`2 out: ${String(ctx.wechat.reply)}`);
      })
      .text(() => {
        order.push('handler');
        return 'hi';
      });
    await say(robot, 'x');
    expect(order).toEqual(['1 in', '2 in', 'handler', '2 out: hi', '1 out']);
  });

  it('still merges routers', async () => {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
    const other = new ZgRoBot({ token: TOKEN }).text(() => 'from the other router');
    robot.use(other);
    expect(replyText((await say(robot, 'x')).text)).toBe('from the other router');
  });
});

describe('session options of the robot', () => {
  it('initial() shapes a new user’s session; getSessionKey is used', async () => {
    const storage = new MemoryStorage();
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: storage,
      logger: silentLogger,
      session: {
        initial: () => ({ count: 0, names: [] as string[] }),
        getSessionKey: (message) => `k/${message.source}`,
      },
    });
    robot.text((ctx) => {
      ctx.wechat.session.count += 1;
      ctx.wechat.session.names.push(ctx.wechat.message.content);
      return `${ctx.wechat.session.count}: ${ctx.wechat.session.names.join(',')}`;
    });
    expect(replyText((await say(robot, 'a')).text)).toBe('1: a');
    expect(replyText((await say(robot, 'b')).text)).toBe('2: a,b');
    expect(await storage.get('k/user_openid')).toEqual({ count: 2, names: ['a', 'b'] });
  });

  it('an unchanged initial session is not written', async () => {
    const storage = new MemoryStorage();
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: storage,
      logger: silentLogger,
      session: { initial: () => ({ visits: 0 }) },
    });
    robot.text((ctx) => `visits ${ctx.wechat.session.visits}`);
    expect(replyText((await say(robot, 'a')).text)).toBe('visits 0');
    expect(storage.size).toBe(0);
  });

  it('with sessions off, every turn starts from initial()', async () => {
    const robot = new ZgRoBot({
      token: TOKEN,
      sessionStorage: false,
      logger: silentLogger,
      session: { initial: () => ({ count: 10 }) },
    });
    robot.text((ctx) => `count ${++ctx.wechat.session.count}`);
    expect(replyText((await say(robot, 'a')).text)).toBe('count 11');
    expect(replyText((await say(robot, 'b')).text)).toBe('count 11');
  });
});

describe('driving the robot without HTTP', () => {
  const crypt = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID });
  const safeRobot = () =>
    new ZgRoBot({
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: AES_KEY,
      sessionStorage: false,
      logger: silentLogger,
    }).text((ctx) => `收到 ${ctx.wechat.message.content}`);

  it('parseMessage reads a plaintext body', () => {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
    const message = robot.parseMessage(textXml('明文'));
    expect(message.type === 'text' && message.content).toBe('明文');
  });

  it('parseMessage decrypts an encrypted body with its timestamp, nonce and msg_signature', () => {
    const request = buildMessageRequest(
      { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID },
      textXml('密文'),
    );
    const message = safeRobot().parseMessage(request.body ?? '', {
      timestamp: request.query.get('timestamp') ?? '',
      nonce: request.query.get('nonce') ?? '',
      msgSignature: request.query.get('msg_signature') ?? '',
    });
    expect(message.type === 'text' && message.content).toBe('密文');
  });

  it('parseMessage refuses a wrong msg_signature, and plaintext in safe mode', () => {
    const request = buildMessageRequest(
      { token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID },
      textXml('x'),
    );
    expect(() =>
      safeRobot().parseMessage(request.body ?? '', {
        timestamp: request.query.get('timestamp') ?? '',
        nonce: request.query.get('nonce') ?? '',
        msgSignature: 'f'.repeat(40),
      }),
    ).toThrow(SignatureError);
    expect(() => safeRobot().parseMessage(textXml('x'))).toThrow(SignatureError);
  });

  it('getEncryptedReply runs the handlers and returns the encrypted reply', async () => {
    const robot = safeRobot();
    // The message as a queue would hand it over: already parsed.
    const answer = await robot.getEncryptedReply(safeMessage());
    const envelope = readReply(answer) as Record<string, string>;
    const inner = crypt.decryptMessage({
      encrypt: String(envelope.Encrypt),
      timestamp: String(envelope.TimeStamp),
      nonce: String(envelope.Nonce),
      msgSignature: String(envelope.MsgSignature),
    });
    expect(replyText(inner)).toBe('收到 你好');
  });

  it('getEncryptedReply follows a key changed through robot.config (its keys are kept, not stale)', async () => {
    const robot = safeRobot();
    const envelopeOf = async () =>
      readReply(await robot.getEncryptedReply(safeMessage())) as Record<string, string>;
    await envelopeOf(); // the keys of the first key are made and kept
    const other = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq';
    robot.config.encodingAESKey = other;
    const envelope = await envelopeOf();
    const otherCrypt = new MessageCrypt({ token: TOKEN, encodingAESKey: other, appId: APP_ID });
    expect(otherCrypt.decrypt(String(envelope.Encrypt))).toContain('收到 你好');
    expect(() => crypt.decrypt(String(envelope.Encrypt))).toThrow();
  });

  it('getEncryptedReply returns plain reply XML without a key', async () => {
    const robot = new ZgRoBot({ token: TOKEN, sessionStorage: false, logger: silentLogger });
    robot.text((ctx) => `plain ${ctx.wechat.message.content}`);
    const answer = await robot.getEncryptedReply(robot.parseMessage(textXml('x')));
    expect(replyText(answer)).toBe('plain x');
  });
});

/** A text message as a compatible-mode robot reads it (plaintext parse of the same XML). */
function safeMessage() {
  return new ZgRoBot({
    token: TOKEN,
    sessionStorage: false,
    logger: silentLogger,
    encryptMode: 'plain',
  }).parseMessage(textXml('你好'));
}
