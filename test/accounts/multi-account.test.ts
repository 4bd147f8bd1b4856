import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig, DirectAccount } from '../../src/core/accounts/account.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import { ZgRoBot } from '../../src/robot.js';
import { recordingLogger, replyText } from '../middleware/helpers.js';
import type { FakeWeChatApi } from '../support/fake-wechat-api.js';
import { textXml } from '../support/wechat.js';
import {
  clientOn,
  countingHandler,
  fakeApi,
  KEY_B,
  post,
  postEncrypted,
  resetApi,
  serve,
  signed,
} from './helpers.js';

const A: DirectAccount = {
  appId: 'wxaaaaaaaaaaaaaaa1',
  originalId: 'gh_aaaa',
  token: 'tokenA',
  appSecret: 'secretA',
};
const B: DirectAccount = {
  appId: 'wxbbbbbbbbbbbbbbb2',
  originalId: 'gh_bbbb',
  token: 'tokenB',
  encodingAESKey: KEY_B,
  encryptMode: 'compatible',
  appSecret: 'secretB',
  data: { tenant: 'bee' },
};

let api: FakeWeChatApi;
beforeAll(async () => {
  api = await fakeApi();
});
afterAll(() => api.close());

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A robot serving A and B, counting each user's messages in its session, on a real port. */
async function twoAccountBot(options: { by?: 'path' | 'toUserName'; maxClients?: number } = {}) {
  const logger = recordingLogger();
  const handled: string[] = [];
  const robot = new ZgRoBot<{ count: number }>({
    accounts: {
      list: [A, B],
      ...options,
      createClient: clientOn(api),
    },
    sessionStorage: new MemoryStorage(),
    session: { initial: () => ({ count: 0 }) },
    logger,
  });
  robot.text(countingHandler(handled));
  const server = await serve(robot.callback());
  closers.push(() => robot.close(), server.close);
  return { robot, url: server.url, logger, handled };
}

describe('accounts by path (/wechat/:appId)', () => {
  it("answers each account with its own token, and refuses another account's signature", async () => {
    const { url } = await twoAccountBot();
    const a = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, textXml('hi'));
    expect(replyText(a.text)).toBe(`${A.appId} #1`);
    const b = await post(`${url}/wechat/${B.appId}?${signed('tokenB')}`, textXml('hi'));
    expect(replyText(b.text)).toBe(`${B.appId} #1`);
    // A's signature on B's URL: B's token does not sign it.
    const crossed = await post(`${url}/wechat/${B.appId}?${signed('tokenA')}`, textXml('hi'));
    expect(crossed.status).toBe(403);
  });

  it('answers the URL check (GET echostr) per account', async () => {
    const { url } = await twoAccountBot();
    const ok = await fetch(`${url}/wechat/${B.appId}?${signed('tokenB')}&echostr=e1`);
    expect([ok.status, await ok.text()]).toEqual([200, 'e1']);
    const bad = await fetch(`${url}/wechat/${B.appId}?${signed('tokenA')}&echostr=e1`);
    expect(bad.status).toBe(403);
  });

  it('answers an unknown account 404 and logs it', async () => {
    const { url, logger } = await twoAccountBot();
    const unknown = await post(`${url}/wechat/wxunknown?${signed('tokenA')}`, textXml('hi'));
    expect([unknown.status, unknown.text]).toEqual([404, 'unknown account']);
    expect(logger.text('warn')).toContain('refused a request for an unknown account');
  });

  it("decrypts and encrypts with the account's own key", async () => {
    const { url } = await twoAccountBot();
    const reply = await postEncrypted(`${url}/wechat/${B.appId}`, textXml('hi'), {
      token: 'tokenB',
      key: KEY_B,
      appId: B.appId,
    });
    expect(reply.content).toBe(`${B.appId} #1`);
  });

  it('never shares a session between accounts (same user in both)', async () => {
    const { url } = await twoAccountBot();
    const say = async (account: DirectAccount) =>
      replyText(
        (
          await post(
            `${url}/wechat/${account.appId}?${signed(account.token)}`,
            textXml('hi', { FromUserName: 'same-user', ToUserName: 'gh_same' }),
          )
        ).text,
      );
    expect([await say(A), await say(B), await say(A), await say(B), await say(A)]).toEqual([
      `${A.appId} #1`,
      `${B.appId} #1`,
      `${A.appId} #2`,
      `${B.appId} #2`,
      `${A.appId} #3`,
    ]);
  });

  it('dedups per account: one message body to two accounts runs twice, its retry once', async () => {
    const { url, handled } = await twoAccountBot();
    // Byte for byte the same message (same MsgId, same ToUserName) to both accounts.
    const xml = textXml('dup', { ToUserName: 'gh_same', MsgId: '777' });
    const a = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, xml);
    const b = await post(`${url}/wechat/${B.appId}?${signed('tokenB')}`, xml);
    const retry = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, xml);
    expect(replyText(a.text)).toBe(`${A.appId} #1`);
    expect(replyText(b.text)).toBe(`${B.appId} #1`);
    expect(replyText(retry.text)).toBe(`${A.appId} #1`);
    expect(handled).toEqual([`${A.appId}:dup`, `${B.appId}:dup`]);
  });

  it('keeps replay checks apart: the same timestamp and nonce on two accounts is no replay', async () => {
    const { url } = await twoAccountBot();
    const at = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: 'shared-nonce' };
    const a = await post(`${url}/wechat/${A.appId}?${signed('tokenA', at)}`, textXml('one'));
    const b = await post(`${url}/wechat/${B.appId}?${signed('tokenB', at)}`, textXml('two'));
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(replyText(b.text)).toBe(`${B.appId} #1`);
  });

  it("calls the API with each account's own token, one client per account", async () => {
    resetApi(api);
    const { url } = await twoAccountBot();
    for (const account of [A, B, A, B]) {
      const sent = await post(
        `${url}/wechat/${account.appId}?${signed(account.token)}`,
        textXml('api'),
      );
      expect(sent.status).toBe(200);
    }
    const sends = api.requestsTo('/cgi-bin/message/custom/send');
    expect(
      sends.map((r) => [
        r.query.access_token?.split('-')[1],
        (r.json as { text: { content: string } }).text.content,
      ]),
    ).toEqual([
      [A.appId, `from ${A.appId}`],
      [B.appId, `from ${B.appId}`],
      [A.appId, `from ${A.appId}`],
      [B.appId, `from ${B.appId}`],
    ]);
    // One token per account: the clients were made once and reused.
    expect(api.tokenRequests().map((r) => r.query.appid)).toEqual([A.appId, B.appId]);
  });

  it('keeps at most maxClients clients, making a dropped one again when needed', async () => {
    resetApi(api);
    const { url } = await twoAccountBot({ maxClients: 1 });
    for (const account of [A, B, A]) {
      await post(`${url}/wechat/${account.appId}?${signed(account.token)}`, textXml('api'));
    }
    // A's client was dropped for B's, so A's next call needed a new client (and token).
    expect(api.tokenRequests().map((r) => r.query.appid)).toEqual([A.appId, B.appId, A.appId]);
    expect(api.requestsTo('/cgi-bin/message/custom/send')).toHaveLength(3);
  });

  it("sends a deferred turn's late reply with its account's client", async () => {
    resetApi(api);
    const { url } = await twoAccountBot();
    const answer = await post(`${url}/wechat/${B.appId}?${signed('tokenB')}`, textXml('later'));
    expect(answer.text).toBe('success');
    await expect
      .poll(() => api.requestsTo('/cgi-bin/message/custom/send').length, { timeout: 20_000 })
      .toBe(1);
    const [sent] = api.requestsTo('/cgi-bin/message/custom/send');
    expect(sent?.query.access_token).toMatch(new RegExp(`^token-${B.appId}-`));
    expect(sent?.json).toMatchObject({ text: { content: `late from ${B.appId}` } });
  }, 30_000);

  it("never sends one account's late reply with another's client (the robot's own included)", async () => {
    resetApi(api);
    const logger = recordingLogger();
    // `robot.client` calls the fake API too, so a send with it would show.
    const before = process.env.WECHAT_API_BASE;
    process.env.WECHAT_API_BASE = api.url;
    closers.push(async () => {
      if (before === undefined) delete process.env.WECHAT_API_BASE;
      else process.env.WECHAT_API_BASE = before;
    });
    const robot = new ZgRoBot({
      // The robot has a client of its own (appId/appSecret)…
      appId: 'wxrobotown00000001',
      appSecret: 'robot-secret',
      // …and serves an account that has none.
      accounts: { list: [{ appId: 'wxnosecret', token: 'tokenN' }] },
      sessionStorage: false,
      logger,
    });
    robot.text((ctx) => {
      ctx.wechat.defer();
      return 'late';
    });
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);
    const answer = await post(`${server.url}/wechat/wxnosecret?${signed('tokenN')}`, textXml('x'));
    expect(answer.text).toBe('success');
    await expect
      .poll(() => logger.text('warn'), { timeout: 20_000 })
      .toContain('dropped a late reply: its account has no API client');
    expect(api.requestsTo('/cgi-bin/message/custom/send')).toEqual([]);
  }, 30_000);

  it('gives handlers the account configuration, your data included', async () => {
    const robot = new ZgRoBot({ accounts: { list: [A, B] }, sessionStorage: false });
    robot.text((ctx) => JSON.stringify(ctx.wechat.account.config.data ?? null));
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);
    const b = await post(`${server.url}/wechat/${B.appId}?${signed('tokenB')}`, textXml('x'));
    expect(replyText(b.text)).toBe('{"tenant":"bee"}');
  });
});

describe('accounts by ToUserName (one URL for all)', () => {
  it("finds the account by the message's ToUserName, plain or in the encrypted envelope", async () => {
    const { url } = await twoAccountBot({ by: 'toUserName' });
    const a = await post(
      `${url}/wechat?${signed('tokenA')}`,
      textXml('hi', { ToUserName: 'gh_aaaa' }),
    );
    expect(replyText(a.text)).toBe(`${A.appId} #1`);
    const b = await postEncrypted(`${url}/wechat`, textXml('hi', { ToUserName: 'gh_bbbb' }), {
      token: 'tokenB',
      key: KEY_B,
      appId: B.appId,
      toUserName: 'gh_bbbb',
    });
    expect(b.content).toBe(`${B.appId} #1`);
  });

  it('matches a URL check (no body) to the listed account whose token signs it', async () => {
    const { url } = await twoAccountBot({ by: 'toUserName' });
    const ok = await fetch(`${url}/wechat?${signed('tokenB')}&echostr=hello`);
    expect([ok.status, await ok.text()]).toEqual([200, 'hello']);
    const none = await fetch(`${url}/wechat?${signed('tokenZ')}&echostr=hello`);
    expect(none.status).toBe(404);
  });

  it('answers an unknown ToUserName 404 and malformed XML 400', async () => {
    const { url } = await twoAccountBot({ by: 'toUserName' });
    const unknown = await post(
      `${url}/wechat?${signed('tokenA')}`,
      textXml('x', { ToUserName: 'gh_zz' }),
    );
    expect(unknown.status).toBe(404);
    const broken = await post(`${url}/wechat?${signed('tokenA')}`, '<xml><ToUserName>gh_aaaa');
    expect(broken.status).toBe(400);
    expect(broken.text).toMatch(/malformed XML/);
  });
});

describe('a resolver', () => {
  const database = new Map<string, AccountConfig>([[A.appId, A]]);

  async function resolverBot(
    resolve: (key: string | undefined) => Promise<AccountConfig | undefined>,
  ) {
    const logger = recordingLogger();
    const robot = new ZgRoBot({
      accounts: { resolve: ({ key }) => resolve(key) },
      sessionStorage: false,
      logger,
    });
    robot.text((ctx) => `${ctx.wechat.account.appId}: ${ctx.wechat.message.content}`);
    const server = await serve(robot.callback());
    closers.push(() => robot.close(), server.close);
    return { url: server.url, logger };
  }

  it('finds accounts in your database, asynchronously', async () => {
    const { url } = await resolverBot(async (key) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return key === undefined ? undefined : database.get(key);
    });
    const a = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, textXml('db'));
    expect(replyText(a.text)).toBe(`${A.appId}: db`);
    const missing = await post(`${url}/wechat/wxnothere?${signed('tokenA')}`, textXml('db'));
    expect(missing.status).toBe(404);
  });

  it('answers success and logs when the resolver throws (and keeps serving)', async () => {
    let fail = true;
    const { url, logger } = await resolverBot(async (key) => {
      if (fail) throw new Error('database down');
      return key === undefined ? undefined : database.get(key);
    });
    const down = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, textXml('x'));
    expect([down.status, down.text]).toEqual([200, 'success']);
    expect(logger.text('error')).toContain('the account resolver failed; answered success');
    expect(logger.entries.find((e) => e.level === 'error')?.err).toMatchObject({
      message: 'database down',
    });
    fail = false;
    const back = await post(`${url}/wechat/${A.appId}?${signed('tokenA')}`, textXml('x'));
    expect(replyText(back.text)).toBe(`${A.appId}: x`);
  });

  it('treats a malformed account from the resolver like a failure, not a crash', async () => {
    const { url, logger } = await resolverBot(async () => ({
      appId: 'wxbad',
      token: 't',
      encodingAESKey: 'short',
    }));
    const answer = await post(`${url}/wechat/wxbad?${signed('t')}`, textXml('x'));
    expect([answer.status, answer.text]).toEqual([200, 'success']);
    expect(logger.text('error')).toContain('the account resolver failed');
  });
});
