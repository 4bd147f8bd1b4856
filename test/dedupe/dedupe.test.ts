import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { dedupe, dedupeKey } from '../../middleware/dedupe.js';
import { errorBoundary } from '../../middleware/error-boundary.js';
import { parse } from '../../middleware/parse.js';
import { pipeline } from '../../middleware/pipeline.js';
import { render } from '../../middleware/render.js';
import { router } from '../../middleware/router.js';
import { Router } from '../../middleware/routes.js';
import { turn } from '../../middleware/turn.js';
import { verify } from '../../middleware/verify.js';
import { MessageCrypt } from '../../src/core/crypto/message-crypt.js';
import { MemoryDedupeStore } from '../../src/core/dedupe/memory.js';
import type { DedupeStore } from '../../src/core/dedupe/store.js';
import { parseMessage } from '../../src/core/messages/parse.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { gate, readReply, recordingLogger, replyText } from '../middleware/helpers.js';
import {
  AES_KEY,
  APP_ID,
  eventXml,
  messageXml,
  sha1Sorted,
  TOKEN,
  textXml,
} from '../support/wechat.js';
import { type RunningBot, sleep, startBot } from './bot.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** A pipeline bot whose text handler counts its runs and answers after `delay` ms. */
async function countingBot(
  options: { delay?: number; replyTimeout?: number; dedupe?: false | { store: DedupeStore } } = {},
) {
  const runs: string[] = [];
  const logger = recordingLogger();
  const routes = new Router()
    .text(async (ctx) => {
      runs.push(ctx.wechat.message.content);
      if (options.delay) await sleep(options.delay);
      return `你说的是 ${ctx.wechat.message.content}`;
    })
    .handler((ctx) => {
      runs.push(ctx.wechat.message.type);
      return `event ${ctx.wechat.message.type}`;
    });
  bot = await startBot(
    pipeline({
      token: TOKEN,
      routes,
      sessionStorage: false,
      replyTimeout: options.replyTimeout ?? 3_000,
      dedupe: options.dedupe,
      logger,
    }),
  );
  return { bot, runs, logger };
}

describe('dedupe() in the pipeline', () => {
  it('runs the handlers once for three tries of one message, all answered alike', async () => {
    const { bot, runs } = await countingBot();
    const xml = textXml('你好');
    const answers = [await bot.post(xml), await bot.post(xml), await bot.post(xml)];
    expect(runs).toEqual(['你好']);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).toBe(answers[0]?.text); // the very same rendered XML, CreateTime included
    }
    expect(replyText(answers[0]?.text ?? '')).toBe('你说的是 你好');
  });

  it('makes a retry that arrives during the first run wait for it and get the same reply', async () => {
    const { bot, runs } = await countingBot({ delay: 600 });
    const xml = textXml('slow');
    const first = bot.post(xml);
    await sleep(150);
    const second = bot.post(xml);
    const [a, b] = await Promise.all([first, second]);
    expect(runs).toEqual(['slow']);
    expect(replyText(a.text)).toBe('你说的是 slow');
    expect(b.text).toBe(a.text);
  });

  it('answers success past replyTimeout and serves the late reply to the next try', async () => {
    // replyTimeout 500 ms, handler 900 ms: try 1 → success; try 2 (at ~550 ms) waits → reply.
    const { bot, runs } = await countingBot({ delay: 900, replyTimeout: 500 });
    const xml = textXml('late');
    const first = await bot.post(xml);
    expect(first.text).toBe('success');
    const second = await bot.post(xml);
    expect(replyText(second.text)).toBe('你说的是 late');
    const third = await bot.post(xml);
    expect(third.text).toBe(second.text);
    expect(runs).toEqual(['late']);
  });

  it('answers success to a retry whose own deadline passes first; the next retry gets the reply', async () => {
    const { bot, runs } = await countingBot({ delay: 1_300, replyTimeout: 400 });
    const xml = textXml('very late');
    expect((await bot.post(xml)).text).toBe('success'); // ~400 ms
    expect((await bot.post(xml)).text).toBe('success'); // ~800 ms: still running
    await sleep(700);
    expect(replyText((await bot.post(xml)).text)).toBe('你说的是 very late');
    expect(runs).toEqual(['very late']);
  });

  it('tells events apart by user, CreateTime, Event and EventKey', async () => {
    const { bot, runs } = await countingBot();
    const at = { CreateTime: '1600000000' };
    await bot.post(eventXml('subscribe', {}, at));
    await bot.post(eventXml('subscribe', {}, at)); // a retry: same user, time and event
    expect(runs).toEqual(['subscribe_event']);
    await bot.post(eventXml('subscribe', {}, { CreateTime: '1600000001' }));
    await bot.post(eventXml('subscribe', {}, { ...at, FromUserName: 'another_user' }));
    await bot.post(eventXml('unsubscribe', {}, at));
    await bot.post(eventXml('CLICK', { EventKey: 'a' }, at));
    await bot.post(eventXml('CLICK', { EventKey: 'b' }, at));
    await bot.post(eventXml('CLICK', { EventKey: 'b' }, at));
    expect(runs).toHaveLength(6);
  });

  it('runs two card events of one user in the same second apart, each with its own reply', async () => {
    const runs: string[] = [];
    const routes = new Router().userGetCard((ctx) => {
      runs.push(ctx.wechat.message.cardId);
      return `领到了 ${ctx.wechat.message.cardId}`;
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: false, logger: recordingLogger() }),
    );
    const at = { CreateTime: '1700000100' };
    const card = (id: string) =>
      eventXml('user_get_card', { CardId: id, UserCardCode: `code_${id}` }, at);
    const [a, b] = await Promise.all([bot.post(card('card_a')), bot.post(card('card_b'))]);
    expect(runs.sort()).toEqual(['card_a', 'card_b']);
    expect(replyText(a.text)).toBe('领到了 card_a');
    expect(replyText(b.text)).toBe('领到了 card_b');
    // A true retry of one of them is still recognised.
    expect((await bot.post(card('card_a'))).text).toBe(a.text);
    expect(runs).toHaveLength(2);
  });

  it('never gives a cached reply to a different message with the same MsgId', async () => {
    const { bot, runs } = await countingBot();
    const victim = messageXml('text', { Content: '我的密码', MsgId: '99' });
    const forged = messageXml('text', { Content: 'tell me', MsgId: '99' }, { FromUserName: 'eve' });
    const first = await bot.post(victim);
    const second = await bot.post(forged);
    expect(replyText(second.text)).toBe('你说的是 tell me');
    expect(second.text).not.toBe(first.text);
    expect(runs).toEqual(['我的密码', 'tell me']);
  });

  it('keeps two accounts apart even with the same MsgId', async () => {
    const { bot, runs } = await countingBot();
    await bot.post(messageXml('text', { Content: 'x', MsgId: '42' }, { ToUserName: 'gh_one' }));
    await bot.post(messageXml('text', { Content: 'x', MsgId: '42' }, { ToUserName: 'gh_two' }));
    expect(runs).toEqual(['x', 'x']);
  });

  it('runs every try with dedupe: false', async () => {
    const { bot, runs } = await countingBot({ dedupe: false });
    const xml = textXml('again');
    await bot.post(xml);
    await bot.post(xml);
    expect(runs).toEqual(['again', 'again']);
  });

  it('never loads or saves the session for a retry', async () => {
    const storage = new MemoryStorage();
    const routes = new Router().text((ctx) => {
      const count = Number(ctx.wechat.session.count ?? 0) + 1;
      ctx.wechat.session.count = count;
      return `count ${count}`;
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: storage, logger: recordingLogger() }),
    );
    const xml = textXml('count me');
    const answers = [await bot.post(xml), await bot.post(xml), await bot.post(xml)];
    expect(answers.map((a) => replyText(a.text))).toEqual(['count 1', 'count 1', 'count 1']);
    expect(await storage.get('gh_account:user_openid')).toEqual({ count: 1 });
  });

  it('caches success after a handler threw, without running it again', async () => {
    let runs = 0;
    const routes = new Router().text(() => {
      runs++;
      throw new Error('boom');
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: false, logger: recordingLogger() }),
    );
    const xml = textXml('boom');
    expect((await bot.post(xml)).text).toBe('success');
    expect((await bot.post(xml)).text).toBe('success');
    expect(runs).toBe(1);
  });

  it('encrypts each answer anew (fresh nonce) around the same cached reply', async () => {
    const crypt = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID });
    let runs = 0;
    const counted = new Router().text((ctx) => {
      runs++;
      return `密 ${ctx.wechat.message.content}`;
    });
    bot = await startBot(
      pipeline({
        token: TOKEN,
        appId: APP_ID,
        encodingAESKey: AES_KEY,
        routes: counted,
        sessionStorage: false,
        logger: recordingLogger(),
      }),
    );
    const plain = textXml('secret');
    const encryptedTry = () => {
      const envelope = readReply(crypt.encryptReply(plain)) as Record<string, string>;
      const timestamp = String(envelope.TimeStamp);
      const nonce = String(envelope.Nonce);
      return bot!.post(
        `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${envelope.Encrypt}]]></Encrypt></xml>`,
        {
          signature: sha1Sorted(TOKEN, timestamp, nonce),
          timestamp,
          nonce,
          encrypt_type: 'aes',
          msg_signature: String(envelope.MsgSignature),
        },
      );
    };
    const a = await encryptedTry();
    const b = await encryptedTry();
    expect(runs).toBe(1);
    expect(a.text).not.toBe(b.text); // a new envelope each time
    const open = (text: string) => {
      const env = readReply(text) as Record<string, string>;
      return crypt.decryptMessage({
        encrypt: String(env.Encrypt),
        timestamp: String(env.TimeStamp),
        nonce: String(env.Nonce),
        msgSignature: String(env.MsgSignature),
      });
    };
    expect(open(a.text)).toBe(open(b.text));
    expect(replyText(open(a.text))).toBe('密 secret');
  });

  it('refuses a window shorter than 20 s', () => {
    expect(() => dedupe({ window: 5_000 })).toThrow(RangeError);
    expect(() => dedupe({ window: 20_000 })).not.toThrow();
  });

  it('needs parse() before it', async () => {
    const logger = recordingLogger();
    bot = await startBot(
      errorBoundary({ logger }),
      verify({ token: TOKEN }),
      dedupe({ logger }),
      render(),
      router(new Router()),
    );
    expect((await bot.post(textXml('x'))).text).toBe('success');
    expect(logger.text('error')).toMatch(/error while answering/);
    expect(String(logger.entries.find((e) => e.level === 'error')?.err)).toMatch(
      /dedupe\(\) needs parse\(\) before it/,
    );
  });
});

describe('dedupeKey', () => {
  it('is the account and a SHA-1 of the message XML', () => {
    const text = messageXml('text', { Content: 'a', MsgId: '1234567890123456789' });
    expect(dedupeKey(parseMessage(text))).toBe(`gh_account:${sha1(text)}`);
    const click = eventXml('CLICK', { EventKey: 'music' }, { CreateTime: '1700000000' });
    expect(dedupeKey(parseMessage(click))).toBe(`gh_account:${sha1(click)}`);
  });

  // A plaintext body's SHA-1 comes from the replay check when it ran; the key must not change.
  it.each([
    ['plaintext, with the replay check', false, undefined],
    ['plaintext, without the replay check', false, false as const],
    ['encrypted, with the replay check', true, undefined],
  ])('is what the pipeline claims: %s', async (_name, encrypted, nonceStore) => {
    const claimed: string[] = [];
    const real = new MemoryDedupeStore();
    const recording: DedupeStore = {
      claim: (key, window) => {
        claimed.push(key);
        return real.claim(key, window);
      },
      complete: (...a) => real.complete(...a),
      wait: (...a) => real.wait(...a),
      deliver: (...a) => real.deliver(...a),
      release: (...a) => real.release(...a),
    };
    bot = await startBot(
      pipeline({
        token: TOKEN,
        routes: new Router().text(() => 'ok'),
        sessionStorage: false,
        nonceStore,
        dedupe: { store: recording },
        logger: recordingLogger(),
        ...(encrypted ? { appId: APP_ID, encodingAESKey: AES_KEY, encryptMode: 'compatible' } : {}),
      }),
    );
    const xml = textXml('key');
    if (encrypted) {
      const crypt = new MessageCrypt({ token: TOKEN, encodingAESKey: AES_KEY, appId: APP_ID });
      const envelope = readReply(crypt.encryptReply(xml)) as Record<string, string>;
      const timestamp = String(envelope.TimeStamp);
      const nonce = String(envelope.Nonce);
      await bot.post(`<xml><Encrypt><![CDATA[${envelope.Encrypt}]]></Encrypt></xml>`, {
        signature: sha1Sorted(TOKEN, timestamp, nonce),
        timestamp,
        nonce,
        encrypt_type: 'aes',
        msg_signature: String(envelope.MsgSignature),
      });
    } else {
      await bot.post(xml);
    }
    expect(claimed).toEqual([`${encrypted ? 'e' : 'p'}:${dedupeKey(parseMessage(xml))}`]);
  });
});

describe('dedupe() with a store that fails', () => {
  const broken = (how: 'throw' | 'hang'): DedupeStore => {
    const fail = () =>
      how === 'throw' ? Promise.reject(new Error('store down')) : new Promise<never>(() => {});
    return { claim: fail, complete: fail, wait: fail, deliver: fail, release: fail };
  };

  for (const how of ['throw', 'hang'] as const) {
    it(`answers every try, deduped in this process's memory, when the store ${how}s, warning once`, async () => {
      const logger = recordingLogger();
      let runs = 0;
      const routes = new Router().text((ctx) => {
        runs++;
        return `ok ${ctx.wechat.message.content}`;
      });
      bot = await startBot(
        verify({ token: TOKEN }),
        parse(),
        turn({ logger }),
        dedupe({ store: broken(how), storeTimeout: 200, logger }),
        render(),
        router(routes),
      );
      const xml = textXml('x');
      for (let i = 0; i < 3; i++) expect(replyText((await bot.post(xml)).text)).toBe('ok x');
      expect(runs).toBe(1);
      const warnings = logger.entries.filter(
        (e) => e.level === 'warn' && /dedupe store/.test(e.msg),
      );
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]?.err)).toMatch(
        how === 'throw' ? /store down/ : /no answer within 200 ms/,
      );
    });
  }

  it('works again once the store recovers, with no restart', async () => {
    const real = new MemoryDedupeStore();
    let down = true;
    const flaky: DedupeStore = {
      claim: (...a) => (down ? Promise.reject(new Error('down')) : real.claim(...a)),
      complete: (...a) => (down ? Promise.reject(new Error('down')) : real.complete(...a)),
      wait: (...a) => (down ? Promise.reject(new Error('down')) : real.wait(...a)),
      deliver: (...a) => (down ? Promise.reject(new Error('down')) : real.deliver(...a)),
      release: (...a) => (down ? Promise.reject(new Error('down')) : real.release(...a)),
    };
    let runs = 0;
    const routes = new Router().text(() => {
      runs++;
      return 'ok';
    });
    bot = await startBot(
      pipeline({
        token: TOKEN,
        routes,
        sessionStorage: false,
        dedupe: { store: flaky },
        logger: recordingLogger(),
      }),
    );
    const xml = textXml('x');
    await bot.post(xml);
    await bot.post(xml);
    expect(runs).toBe(1); // caught by the memory stand-in while the store is down
    down = false;
    const other = textXml('y', { ToUserName: 'gh_other' });
    await bot.post(other);
    expect(await real.claim(`p:${dedupeKey(parseMessage(other))}`, 30_000)).toMatchObject({
      state: 'done',
    }); // recorded in the recovered store
    await bot.post(other);
    expect(runs).toBe(2);
  });
});

// Kept apart: the gate makes the overlap exact rather than timed.
describe('dedupe() with many concurrent tries', () => {
  it('runs the handler once however many tries overlap', async () => {
    const held = gate();
    let runs = 0;
    const routes = new Router().text(async () => {
      runs++;
      await held.promise;
      return 'together';
    });
    bot = await startBot(
      pipeline({ token: TOKEN, routes, sessionStorage: false, logger: recordingLogger() }),
    );
    const xml = textXml('many');
    const tries = Array.from({ length: 10 }, () => bot!.post(xml));
    await sleep(200);
    held.open();
    const answers = await Promise.all(tries);
    expect(runs).toBe(1);
    for (const a of answers) expect(replyText(a.text)).toBe('together');
  });
});
