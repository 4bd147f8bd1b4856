// The bot of the Docker example. Every setting comes from the environment (ZGROBOT_TOKEN,
// ZGROBOT_PORT, …: docs/configuration.md). With REDIS_URL set, sessions, retry dedup and the
// replay check live in Redis, so several containers can serve one account.
import { Redis } from 'ioredis';
import { RedisDedupeStore, RedisNonceStore, RedisStorage, ZgRoBot } from 'zgrobot';

const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;

const robot = new ZgRoBot(
  redis
    ? {
        sessionStorage: new RedisStorage(redis),
        dedupe: { store: new RedisDedupeStore(redis) },
        nonceStore: new RedisNonceStore(redis),
      }
    : {},
);

robot.subscribe(() => '感谢关注！');
robot.text((ctx) => `你说：${ctx.wechat.message.content}`);

// Stops gracefully on SIGTERM (docker stop): requests in flight and late replies go out first.
await robot.run();
