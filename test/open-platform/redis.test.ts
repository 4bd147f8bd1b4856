import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { RedisTokenStore } from '../../src/core/client/redis-token-store.js';
import {
  RedisAuthorizerStore,
  RedisComponentTicketStore,
  type RedisKeyValueClient,
} from '../../src/core/open-platform/index.js';
import { MemoryComponentTicketStore } from '../../src/core/open-platform/ticket-store.js';
import { runTag, within } from '../session/helpers.js';
import { type FakeWeChatApi, startFakeWeChatApi } from '../support/fake-wechat-api.js';
import { makeComponent } from './helpers.js';

const prefix = `zgrobot_test_component_${runTag()}:`;
const TWELVE_HOURS = 12 * 60 * 60 * 1000;
let redis: Redis;
let other: Redis;
let api: FakeWeChatApi;

beforeAll(async () => {
  redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 2 });
  await within(redis.connect(), 5_000, 'connect to Redis');
  other = redis.duplicate();
  api = await startFakeWeChatApi();
});
afterEach(() => api.reset());
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await Promise.all([redis.quit(), other.quit()]);
  await api.close();
});

describe('the Open Platform stores', () => {
  it('take an ioredis client as is (checked by tsc)', () => {
    expectTypeOf<Redis>().toExtend<RedisKeyValueClient>();
  });

  it('RedisComponentTicketStore keeps the ticket 12 hours under <prefix><componentAppId>', async () => {
    const store = new RedisComponentTicketStore(redis, { prefix: `${prefix}ticket:` });
    expect(await store.get('wx_c')).toBeUndefined();
    await store.set('wx_c', 'ticket-1');
    await store.set('wx_c', 'ticket-2');
    expect(store.keyOf('wx_c')).toBe(`${prefix}ticket:wx_c`);
    expect(await redis.get(`${prefix}ticket:wx_c`)).toBe('ticket-2');
    const ttl = await redis.pttl(`${prefix}ticket:wx_c`);
    expect(ttl).toBeGreaterThan(TWELVE_HOURS - 60_000);
    expect(ttl).toBeLessThanOrEqual(TWELVE_HOURS);
    // Another connection, another store object: the same ticket.
    expect(
      await new RedisComponentTicketStore(other, { prefix: `${prefix}ticket:` }).get('wx_c'),
    ).toBe('ticket-2');
    expect(await store.get('wx_other')).toBeUndefined();
  });

  it('MemoryComponentTicketStore forgets a ticket after 12 hours', async () => {
    let now = 1_000_000;
    const store = new MemoryComponentTicketStore(() => now);
    await store.set('wx_c', 'ticket');
    now += TWELVE_HOURS - 1;
    expect(await store.get('wx_c')).toBe('ticket');
    now += 1;
    expect(await store.get('wx_c')).toBeUndefined();
  });

  it('RedisAuthorizerStore keeps refresh tokens per component and authorizer, without expiry', async () => {
    const store = new RedisAuthorizerStore(redis, { prefix: `${prefix}refresh:` });
    await store.set('wx_c', 'wx_a', 'refresh-1');
    await store.set('wx_c2', 'wx_a', 'refresh-other');
    expect(await store.get('wx_c', 'wx_a')).toBe('refresh-1');
    expect(await redis.get(`${prefix}refresh:wx_c:wx_a`)).toBe('refresh-1');
    expect(await redis.pttl(`${prefix}refresh:wx_c:wx_a`)).toBe(-1);
    await store.delete('wx_c', 'wx_a');
    expect(await store.get('wx_c', 'wx_a')).toBeUndefined();
    expect(await store.get('wx_c2', 'wx_a')).toBe('refresh-other');
  });
});

describe('two Component instances on one Redis', () => {
  const shared = (connection: Redis, key: string) =>
    makeComponent(api, {
      ticketStore: new RedisComponentTicketStore(connection, { prefix: `${prefix}${key}:ticket:` }),
      authorizerStore: new RedisAuthorizerStore(connection, { prefix: `${prefix}${key}:refresh:` }),
      tokenStore: new RedisTokenStore(connection, { key: `${prefix}${key}:component_token` }),
    });

  it('share the ticket, the component token and the authorizer tokens, refreshing each once', async () => {
    const a = shared(redis, 'pair1');
    const b = shared(other, 'pair1');
    try {
      api.component.ticket = 'ticket-shared';
      await a.saveVerifyTicket('ticket-shared');
      // 10 callers on each instance: one api_component_token in all.
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).getComponentAccessToken()),
      );
      expect(new Set(tokens).size).toBe(1);
      const granted = api.requestsTo('/cgi-bin/component/api_component_token');
      expect(granted).toHaveLength(1);
      expect(granted[0]?.json).toMatchObject({ component_verify_ticket: 'ticket-shared' });

      // Authorized through instance A, with a token about to expire.
      api.component.expiresIn = 30;
      const { authorization_info: info } = await a.queryAuth(api.component.authorize('wx_acc'));
      api.component.expiresIn = 7200;
      expect(await redis.get(`${prefix}pair1:refresh:${a.appId}:wx_acc`)).toBe(
        info.authorizer_refresh_token,
      );

      // 20 concurrent callers on both instances: one api_authorizer_token, one token for all.
      api.on('POST', '/cgi-bin/message/custom/send', { json: { errcode: 0, errmsg: 'ok' } });
      const authorizerTokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 3 === 0
            ? (i % 2 ? a : b)
                .authorizerClient('wx_acc')
                .sendTextMessage('o', 'x')
                .then(() => 'sent')
            : (i % 2 ? a : b).authorizerAccessToken('wx_acc'),
        ),
      );
      const refreshes = api.requestsTo('/cgi-bin/component/api_authorizer_token');
      expect(refreshes).toHaveLength(1);
      expect(refreshes[0]?.json).toEqual({
        component_appid: a.appId,
        authorizer_appid: 'wx_acc',
        authorizer_refresh_token: info.authorizer_refresh_token,
      });
      const fresh = new Set(authorizerTokens.filter((t) => t !== 'sent'));
      expect(fresh.size).toBe(1);
      const [token] = fresh;
      expect(token).not.toBe(info.authorizer_access_token);
      expect(
        api.requestsTo('/cgi-bin/message/custom/send').map((r) => r.query.access_token),
      ).toEqual(Array(7).fill(token));
      // The new refresh token replaced the old one in Redis, for both instances.
      expect(await redis.get(`${prefix}pair1:refresh:${a.appId}:wx_acc`)).toBe(
        api.component.refreshTokens.get('wx_acc'),
      );
      expect(api.component.refreshTokens.get('wx_acc')).not.toBe(info.authorizer_refresh_token);
      // The authorizer token sits beside the component token.
      expect(await redis.get(`${prefix}pair1:component_token:authorizer:wx_acc`)).toContain(token);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
