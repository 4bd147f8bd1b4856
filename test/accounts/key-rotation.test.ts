import { afterEach, describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { DecryptError, InvalidEncodingAESKeyError, SignatureError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { ZgRoBot } from '../../src/robot.js';
import { aesEncrypt, sha1Sorted } from '../support/safe-mode.js';
import { textXml } from '../support/wechat.js';
import { KEY_B, KEY_NEW, KEY_OLD, postEncrypted, serve } from './helpers.js';

const TOKEN = 'rotation-token';
const APP_ID = 'wxrotaterotate0001';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** What WeChat sends: `xml` encrypted with `key`, signed with the token. */
function params(xml: string, key: string) {
  const encrypt = aesEncrypt(xml, key, APP_ID);
  const timestamp = '1700000000';
  const nonce = 'n1';
  return { encrypt, timestamp, nonce, msgSignature: sha1Sorted(TOKEN, timestamp, nonce, encrypt) };
}

describe('KeyRing', () => {
  const ring = new KeyRing({ token: TOKEN, appId: APP_ID, encodingAESKey: [KEY_NEW, KEY_OLD] });

  it('decrypts with whichever key the message came with, and says which', () => {
    const byNew = ring.decryptMessage(params('<xml>new</xml>', KEY_NEW));
    const byOld = ring.decryptMessage(params('<xml>old</xml>', KEY_OLD));
    expect([byNew.xml, byOld.xml]).toEqual(['<xml>new</xml>', '<xml>old</xml>']);
    expect(byNew.crypt).toBe(ring.crypts[0]);
    expect(byOld.crypt).toBe(ring.crypts[1]);
    expect(ring.newest).toBe(ring.crypts[0]);
  });

  it('refuses a key it does not hold with a DecryptError, and a bad signature at once', () => {
    expect(() => ring.decryptMessage(params('<xml/>', KEY_B))).toThrow(DecryptError);
    const forged = { ...params('<xml/>', KEY_OLD), msgSignature: 'f'.repeat(40) };
    expect(() => ring.decryptMessage(forged)).toThrow(SignatureError);
  });

  it('checks every key at construction', () => {
    expect(() => new KeyRing({ token: TOKEN, appId: APP_ID, encodingAESKey: [] })).toThrow(
      InvalidEncodingAESKeyError,
    );
    expect(
      () => new KeyRing({ token: TOKEN, appId: APP_ID, encodingAESKey: [KEY_NEW, 'short'] }),
    ).toThrow(InvalidEncodingAESKeyError);
  });
});

describe('rotating the EncodingAESKey while messages flow', () => {
  it('refuses no message: old-key messages in flight and retries pass, each reply in its own key', async () => {
    const robot = new ZgRoBot({
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: KEY_OLD,
      sessionStorage: false,
      logger: silentLogger,
    });
    robot.text((ctx) => `echo ${ctx.wechat.message.content}`);
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);

    // WeChat's key for new messages; a message in flight (or retried) keeps the key it had.
    let wechatKey = KEY_OLD;
    let n = 0;
    const failures: string[] = [];
    let sent = 0;
    const send = async (key: string) => {
      const content = `m${++n}`;
      const reply = await postEncrypted(server.url, textXml(content), {
        token: TOKEN,
        key,
        appId: APP_ID,
      });
      sent++;
      if (reply.status !== 200 || reply.content !== `echo ${content}`) {
        failures.push(
          `${content} (${key === KEY_OLD ? 'old' : 'new'} key): ${reply.status} ${reply.text}`,
        );
      }
    };
    let flowing = true;
    // Four senders, as WeChat's many connections; every fifth message is an old-key straggler.
    const senders = Array.from({ length: 4 }, async () => {
      for (let i = 0; flowing; i++) await send(i % 5 === 4 ? KEY_OLD : wechatKey);
    });
    const until = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (sent >= count ? resolve() : setTimeout(check, 2));
        check();
      });

    await until(60);
    // 1. The server learns the new key first (newest first, the old one kept)…
    robot.config.encodingAESKey = `${KEY_NEW},${KEY_OLD}`;
    await until(120);
    // 2. …then the admin saves it: WeChat encrypts new messages with it.
    wechatKey = KEY_NEW;
    await until(240);
    flowing = false;
    await Promise.all(senders);

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(240);
  }, 60_000);

  it('takes a key list per account in a multi-account robot', async () => {
    const robot = new ZgRoBot({
      accounts: {
        list: [{ appId: APP_ID, token: TOKEN, encodingAESKey: [KEY_NEW, KEY_OLD] }],
      },
      sessionStorage: false,
      logger: silentLogger,
    });
    robot.text((ctx) => `echo ${ctx.wechat.message.content}`);
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);
    for (const key of [KEY_OLD, KEY_NEW]) {
      const reply = await postEncrypted(`${server.url}/wechat/${APP_ID}`, textXml('k'), {
        token: TOKEN,
        key,
        appId: APP_ID,
      });
      expect(reply.content).toBe('echo k');
    }
    const stranger = await postEncrypted(`${server.url}/wechat/${APP_ID}`, textXml('k'), {
      token: TOKEN,
      key: KEY_B,
      appId: APP_ID,
    });
    expect(stranger.status).toBe(400);
  });
});

describe('an Account in a log line', () => {
  it('shows its AppID, never its token, keys or AppSecret', async () => {
    const { Account } = await import('../../src/core/accounts/account.js');
    const { inspect } = await import('node:util');
    const account = new Account(
      {
        appId: 'wxlogged',
        token: 'secret-token',
        encodingAESKey: KEY_NEW,
        appSecret: 'app-secret',
      },
      { scoped: true },
    );
    for (const shown of [JSON.stringify({ account }), inspect(account), inspect({ account })]) {
      expect(shown).toContain('wxlogged');
      expect(shown).not.toMatch(/secret-token|app-secret|NEWkey/);
    }
  });
});

describe('a retry across a settings change', () => {
  it('is still answered from the first try: the robot keeps its memory stores when the pipeline is rebuilt', async () => {
    let runs = 0;
    const robot = new ZgRoBot({
      token: TOKEN,
      appId: APP_ID,
      encodingAESKey: KEY_OLD,
      sessionStorage: false,
      logger: silentLogger,
    });
    robot.text((ctx) => `run ${++runs}: ${ctx.wechat.message.content}`);
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);
    const xml = textXml('once');
    // Each try its own timestamp and nonce, the same message (WeChat's retry), with the old key.
    const send = () =>
      postEncrypted(`${server.url}/`, xml, { token: TOKEN, key: KEY_OLD, appId: APP_ID });
    expect((await send()).content).toBe('run 1: once');
    robot.config.encodingAESKey = `${KEY_NEW},${KEY_OLD}`; // the pipeline is rebuilt
    // It was: a message with the new key is read now.
    const fresh = await postEncrypted(`${server.url}/`, textXml('new key'), {
      token: TOKEN,
      key: KEY_NEW,
      appId: APP_ID,
    });
    expect(fresh.content).toBe('run 2: new key');
    expect((await send()).content).toBe('run 1: once');
    expect(runs).toBe(2);
  });
});
