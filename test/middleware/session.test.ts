import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorBoundary } from '../../middleware/error-boundary.js';
import { parse } from '../../middleware/parse.js';
import { render } from '../../middleware/render.js';
import { router } from '../../middleware/router.js';
import { Router } from '../../middleware/routes.js';
import { session } from '../../middleware/session.js';
import { turn } from '../../middleware/turn.js';
import { verify } from '../../middleware/verify.js';
import { MemoryStorage } from '../../src/core/session/memory.js';
import type { SessionData, SessionLease, SessionStorage } from '../../src/core/session/storage.js';
import { signedQuery, TOKEN, textXml } from '../support/wechat.js';
import { appOf, botApp, gate, readReply, recordingLogger, waitFor } from './helpers.js';

/** A MemoryStorage that counts the loads and saves of the session stage (lock + read, write + unlock). */
class CountingStorage extends MemoryStorage {
  gets: string[] = [];
  sets: [string, SessionData][] = [];
  override async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    const lease = await super.acquire(id, owner, leaseMs);
    if (lease.acquired) this.gets.push(id);
    return lease;
  }
  override async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    if (value) this.sets.push([id, structuredClone(value)]);
    return super.release(id, owner, value);
  }
}

const counter = () =>
  new Router().text((ctx) => {
    const count = (Number(ctx.wechat.session.count) || 0) + 1;
    ctx.wechat.session.count = count;
    return `Hello! You have sent ${count} messages to me`;
  });

const send = (app: ReturnType<typeof botApp>, content: string, common = {}) =>
  request(app.callback()).post(`/?${signedQuery()}`).send(textXml(content, common));

describe('session()', () => {
  it('loads before the handlers and saves after', async () => {
    const storage = new CountingStorage();
    const app = botApp({ token: TOKEN, routes: counter(), sessionStorage: storage });
    expect(readReply((await send(app, 'a')).text).Content).toMatch(/sent 1 messages/);
    expect(readReply((await send(app, 'b')).text).Content).toMatch(/sent 2 messages/);
    expect(await storage.get('gh_account:user_openid')).toEqual({ count: 2 });
    expect(storage.sets).toEqual([
      ['gh_account:user_openid', { count: 1 }],
      ['gh_account:user_openid', { count: 2 }],
    ]);
  });

  it('overlapping messages of one user run one after another, so neither change is lost', async () => {
    const storage = new CountingStorage();
    const routes = new Router().text(async (ctx) => {
      const session = ctx.wechat.session;
      const seen = Array.isArray(session.seen) ? session.seen : [];
      session.seen = [...seen, ctx.wechat.message.content];
      // Both requests are inside their handlers at once.
      await new Promise((resolve) => setTimeout(resolve, 100));
      return 'ok';
    });
    const app = botApp({ token: TOKEN, routes, sessionStorage: storage });
    await Promise.all([send(app, 'a'), send(app, 'b')]);
    expect(storage.gets).toHaveLength(2); // each turn loads what the one before it saved
    const stored = await storage.get('gh_account:user_openid');
    expect([...(stored.seen as string[])].sort()).toEqual(['a', 'b']);
    // Done: the next message loads what was stored, not a stale shared copy.
    storage.gets = [];
    await send(app, 'c');
    expect(storage.gets).toHaveLength(1);
    expect((await storage.get('gh_account:user_openid')).seen).toHaveLength(3);
  });

  it('is saved only when it changed', async () => {
    const storage = new CountingStorage();
    await storage.set('gh_account:user_openid', { name: 'x' });
    storage.sets = [];
    const app = botApp({
      token: TOKEN,
      routes: new Router().text((ctx) => `name ${String(ctx.wechat.session.name)}`),
      sessionStorage: storage,
    });
    expect(readReply((await send(app, 'a')).text).Content).toBe('name x');
    expect(storage.gets).toHaveLength(1);
    expect(storage.sets).toEqual([]);
  });

  it('a nested change counts as a change', async () => {
    const storage = new CountingStorage();
    await storage.set('gh_account:user_openid', { list: [1] });
    storage.sets = [];
    const app = botApp({
      token: TOKEN,
      routes: new Router().text((ctx) => {
        (ctx.wechat.session.list as number[]).push(2);
        return 'ok';
      }),
      sessionStorage: storage,
    });
    await send(app, 'a');
    expect(storage.sets).toEqual([['gh_account:user_openid', { list: [1, 2] }]]);
  });

  it('is not saved when the handler throws; the reply is success', async () => {
    const storage = new CountingStorage();
    const app = botApp({
      token: TOKEN,
      routes: new Router().text((ctx) => {
        ctx.wechat.session.broken = true;
        throw new Error('boom');
      }),
      sessionStorage: storage,
    });
    const res = await send(app, 'a');
    expect(res.text).toBe('success');
    expect(storage.sets).toEqual([]);
  });

  it('is keyed by account + user: two accounts never share a session', async () => {
    const storage = new CountingStorage();
    const app = botApp({ token: TOKEN, routes: counter(), sessionStorage: storage });
    await send(app, 'a', { ToUserName: 'gh_one' });
    await send(app, 'a', { ToUserName: 'gh_one' });
    const other = await send(app, 'a', { ToUserName: 'gh_two' });
    expect(readReply(other.text).Content).toMatch(/sent 1 messages/);
    const otherUser = await send(app, 'a', { ToUserName: 'gh_one', FromUserName: 'someone' });
    expect(readReply(otherUser.text).Content).toMatch(/sent 1 messages/);
    expect(await storage.get('gh_one:user_openid')).toEqual({ count: 2 });
    expect(await storage.get('gh_two:user_openid')).toEqual({ count: 1 });
    expect(await storage.get('gh_one:someone')).toEqual({ count: 1 });
  });

  it('getSessionKey chooses the key', async () => {
    const storage = new CountingStorage();
    const app = botApp({
      token: TOKEN,
      routes: counter(),
      sessionStorage: storage,
      getSessionKey: (m) => `custom/${m.source}`,
    });
    await send(app, 'a');
    expect(storage.gets).toEqual(['custom/user_openid']);
  });

  it('storage down → empty session, warning logged, reply still sent, nothing saved', async () => {
    const logger = recordingLogger();
    let sets = 0;
    const down: SessionStorage = {
      get: async () => {
        throw new Error('ECONNREFUSED');
      },
      set: async () => {
        sets++;
      },
      delete: async () => {},
    };
    const app = botApp({ token: TOKEN, routes: counter(), sessionStorage: down, logger });
    const res = await send(app, 'a');
    expect(res.status).toBe(200);
    expect(readReply(res.text).Content).toMatch(/sent 1 messages/);
    expect(logger.text('warn')).toMatch(/session storage unavailable.*ECONNREFUSED/);
    expect(sets).toBe(0);
  });

  it('a failing save → warning logged, reply still sent', async () => {
    const logger = recordingLogger();
    const storage: SessionStorage = {
      get: async () => ({}),
      set: async () => {
        throw new Error('disk full');
      },
      delete: async () => {},
    };
    const app = botApp({ token: TOKEN, routes: counter(), sessionStorage: storage, logger });
    const res = await send(app, 'a');
    expect(readReply(res.text).Content).toMatch(/sent 1 messages/);
    expect(logger.text('warn')).toMatch(/could not save the session.*disk full/);
  });

  it('slow storage → loadTimeout: the handlers go on with an empty session', async () => {
    const logger = recordingLogger();
    const never = gate<SessionData>();
    let sets = 0;
    const slow: SessionStorage = {
      get: () => never.promise,
      set: async () => {
        sets++;
      },
      delete: async () => {},
    };
    const app = appOf(
      errorBoundary({ logger }),
      verify({ token: TOKEN, logger }),
      parse({ logger }),
      turn({ logger }),
      session({ storage: slow, loadTimeout: 100, logger }),
      render(),
      router(counter(), { logger }),
    );
    const res = await send(app, 'a');
    expect(readReply(res.text).Content).toMatch(/sent 1 messages/);
    expect(logger.text('warn')).toMatch(/no answer within 100 ms/);
    expect(sets).toBe(0);
    never.open({});
  });

  it('session() without parse() before it → a clear error naming parse(), answered success', async () => {
    const logger = recordingLogger();
    const app = appOf(
      errorBoundary({ logger }),
      session({ storage: new MemoryStorage(), logger }),
      router(counter(), { logger }),
    );
    const res = await request(app.callback()).post('/').send(textXml('a'));
    expect(res.text).toBe('success');
    const logged = logger.entries.find((e) => e.level === 'error');
    expect(String(logged?.err)).toMatch(/parse\(\)/);
  });

  it('a handler still running at the reply deadline saves its session when it finishes', async () => {
    const storage = new CountingStorage();
    const release = gate();
    let finished = false;
    const app = botApp({
      token: TOKEN,
      replyTimeout: 100,
      sessionStorage: storage,
      routes: new Router().text(async (ctx) => {
        await release.promise;
        ctx.wechat.session.late = true;
        finished = true;
        return 'too late';
      }),
    });
    const res = await send(app, 'a');
    expect(res.text).toBe('success');
    expect(storage.sets).toEqual([]);
    release.open();
    await waitFor(() => finished && storage.sets.length === 1, 5000, 'late save');
    expect(storage.sets).toEqual([['gh_account:user_openid', { late: true }]]);
  });

  it('sessionStorage: false → no session stage, handlers see {}', async () => {
    const app = botApp({
      token: TOKEN,
      routes: new Router().text((ctx) => JSON.stringify(ctx.wechat.session)),
      sessionStorage: false,
    });
    expect(readReply((await send(app, 'a')).text).Content).toBe('{}');
  });
});

/** A MemoryStorage whose every call takes 0–20 ms, as a pooled database does under load. */
class JitteryStorage extends MemoryStorage {
  readonly #pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  override async get(id: string): Promise<SessionData> {
    await this.#pause();
    return super.get(id);
  }
  override async set(id: string, value: SessionData): Promise<void> {
    await this.#pause();
    return super.set(id, value);
  }
  override async acquire(id: string, owner: string, leaseMs: number): Promise<SessionLease> {
    await this.#pause();
    return super.acquire(id, owner, leaseMs);
  }
  override async release(id: string, owner: string, value?: SessionData | null): Promise<boolean> {
    await this.#pause();
    return super.release(id, owner, value);
  }
}

describe('session(): overlapping turns of one user', () => {
  const counting = (storage: SessionStorage) =>
    botApp({
      token: TOKEN,
      sessionStorage: storage,
      routes: new Router().text(async (ctx) => {
        const count = (Number(ctx.wechat.session.count) || 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        if (ctx.wechat.message.content === 'boom') {
          ctx.wechat.session.count = 1_000_000;
          throw new Error('boom');
        }
        ctx.wechat.session.count = count;
        return `count ${count}`;
      }),
    });

  it('keeps all of 100 concurrent increments on a storage whose saves land out of order', async () => {
    const storage = new JitteryStorage();
    const app = counting(storage);
    const server = app.listen(0, '127.0.0.1');
    try {
      const agent = request(server);
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          agent.post(`/?${signedQuery()}`).send(textXml(`m${i}`)),
        ),
      );
      expect(await storage.get('gh_account:user_openid')).toEqual({ count: 100 });
    } finally {
      server.close();
    }
  });

  it("never stores a failed turn's change, whatever overlaps it", async () => {
    const storage = new JitteryStorage();
    const app = counting(storage);
    const server = app.listen(0, '127.0.0.1');
    try {
      const agent = request(server);
      const contents = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 'boom' : `m${i}`));
      const answers = await Promise.all(
        contents.map((c) => agent.post(`/?${signedQuery()}`).send(textXml(c))),
      );
      expect(answers.filter((a) => a.text === 'success')).toHaveLength(10);
      expect(await storage.get('gh_account:user_openid')).toEqual({ count: 20 });
    } finally {
      server.close();
    }
  });

  it('warns about a storage that is down at most once per 10 s, counting the rest', async () => {
    const logger = recordingLogger();
    const down: SessionStorage = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
      delete: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const app = botApp({ token: TOKEN, routes: counter(), sessionStorage: down, logger });
    for (let i = 0; i < 20; i++) expect((await send(app, `m${i}`)).status).toBe(200);
    const warnings = logger.entries.filter((e) => /session storage/.test(e.msg));
    expect(warnings).toHaveLength(1);
  });
});
